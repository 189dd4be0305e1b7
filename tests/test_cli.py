"""Every command tells what it does (`--help`), and the README lists each with its options."""

from pathlib import Path

import click
import pytest

README = Path(__file__).parents[1] / "README.md"


def _commands(app) -> list[tuple[str, click.Command]]:
    """Return every command and group of the app, by its full name, without Flask-Migrate's."""
    found = []

    def walk(prefix: str, group: click.Group) -> None:
        for name, command in group.commands.items():
            if prefix == "" and name == "db":
                continue
            full = f"{prefix} {name}".strip()
            found.append((full, command))
            if isinstance(command, click.Group):
                walk(full, command)

    walk("", app.cli)
    return found


def test_every_command_and_group_has_a_help_text(app, runner):
    commands = _commands(app)
    assert {"seed-demo", "scheduler", "exchanges", "exchanges expire-offers"} <= dict(
        commands
    ).keys()
    listing = runner.invoke(args=["--help"]).output
    assert "exchanges  " in listing
    for name, command in commands:
        short = command.get_short_help_str(limit=200)
        assert short, f"{name} has no help"
        assert "..." not in command.get_short_help_str(), f"{name}: the listing cuts its help"
        assert command.help, f"{name} has no help"
        output = " ".join(runner.invoke(args=[*name.split(), "--help"]).output.split())
        assert " ".join(command.help.split("\n\n")[0].split()) in output, name
        if " " not in name:
            assert command.get_short_help_str() in listing, name


def test_the_scheduler_help_names_the_jobs_it_runs(runner):
    output = runner.invoke(args=["scheduler", "--help"]).output
    assert "reminder scheduler" not in output
    for job in ("mail", "reminders", "offers", "standby"):
        assert job in output


@pytest.mark.parametrize(
    "full", ["seed-demo", "create-coordinator", "scheduler", "exchanges expire-offers"]
)
def test_the_readme_lists_the_command_with_all_its_options(app, full):
    command = dict(_commands(app))[full]
    prefix = f".venv/bin/flask --app app {full}"
    lines = [
        line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith(prefix)
    ]
    assert lines, f"README does not list {full}"
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(param.opts[0] in line for line in lines), f"{full} {param.opts[0]}"
