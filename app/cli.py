"""Command-line interface: flask --app app <command>."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from app.boundary import unit_of_work

bp = Blueprint("cli", __name__, cli_group=None)


@bp.cli.command("seed-demo", short_help="Load the demo data of Göteborg or Mölndal.")
@click.option(
    "--city",
    type=click.Choice(["goteborg", "molndal"]),
    default="goteborg",
    show_default=True,
    help="Whose demo data to load.",
)
@click.option("--force", is_flag=True, help="Delete all existing data first.")
@click.option("--if-empty", is_flag=True, help="Load only into an empty database; else do nothing.")
def seed_demo(city: str, force: bool, if_empty: bool) -> None:
    """Load the demo data drawn from the municipalities' own pages."""
    from app import demo

    if not demo.database_is_empty():
        if if_empty:
            click.echo("The database already holds data; demo data not loaded.")
            return
        if not force:
            raise click.ClickException(
                "The database is not empty; nothing was changed. Use --force to replace all data."
            )
    with unit_of_work():
        if force:
            demo.clear_all()
        partners = demo.seed(city)
    click.echo(f"Loaded the {city} demo data: {len(partners)} partners.")
    click.echo(
        f"Demo coordinator: {demo.DEMO_COORDINATOR_EMAIL} / {demo.DEMO_COORDINATOR_PASSWORD}"
    )


class _Refused(click.ClickException):
    """A refusal already worded in the command's language, "Error:" included."""

    def show(self, file=None) -> None:
        click.echo(self.message, err=True, file=file)


@bp.cli.command("create-coordinator")
@click.argument("email")
@click.option("--password", help="Prompted for when not given.")
@click.option("--name", default="", help="The coordinator's name.")
@click.option(
    "--role",
    type=click.Choice(["coordinator", "administrator"]),
    default="coordinator",
    show_default=True,
    help="An administrator also manages accounts, private feed tokens, retention and settings.",
)
@click.option("--admin", "admin", is_flag=True, help="Short for --role administrator.")
def create_coordinator_command(
    email: str, password: str | None, name: str, role: str, admin: bool
) -> None:
    """Add a coordinator account.

    The password needs at least 12 characters and may not be a common one or the address.
    Prompts and refusals are in the installation's DEFAULT_LANGUAGE (sv or en; e.g.
    DEFAULT_LANGUAGE=en flask create-coordinator ... for English).
    """
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from app.auth.services import CoordinatorError, check_new_account, create_coordinator

    role = "administrator" if admin else role
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        try:
            if password is None:
                # The address and the name first: a typo fails before any prompt.
                with unit_of_work():
                    check_new_account(email, name, role)
                password = _prompt_password()
            with unit_of_work():
                coordinator = create_coordinator(email, password, name=name, role=role)
        except CoordinatorError as exc:
            raise _Refused(_("Error: %(message)s", message=str(exc.message))) from None
        if coordinator.is_administrator:
            click.echo(_("Administrator %(email)s created.", email=coordinator.email))
        else:
            click.echo(_("Coordinator %(email)s created.", email=coordinator.email))


def _prompt_password() -> str:
    """Ask for the password twice, hidden, until both agree."""
    from flask_babel import gettext as _

    while True:
        first = click.prompt(_("Password"), hide_input=True)
        again = click.prompt(_("The same password again"), hide_input=True)
        if first == again:
            return first
        click.echo(_("The two passwords differ. Try again."), err=True)


@bp.cli.command("scheduler", short_help="Run the scheduler: mail, reminders, lapsed offers.")
def scheduler_command() -> None:
    """Run the scheduler in the foreground: mail, reminders, lapsed offers.

    It delivers the queued mail, records a heartbeat for /healthz, queues the reminders
    that are due and lets waiting-list offers past their deadline lapse. Start a second
    one as a standby: it takes over within a minute when the active one stops.
    """
    from app.scheduler import run

    run(current_app._get_current_object())
