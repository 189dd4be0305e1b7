"""`flask retention run [--now] [--dry-run]`, `flask backup [--out FILE]`, `flask restore FILE`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import Blueprint, current_app

from app.boundary import unit_of_work
from app.extensions import db
from app.reminders.cli import parse_now

bp = Blueprint("records_cli", __name__, cli_group=None)
retention_bp = Blueprint("retention_cli", __name__, cli_group="retention")
retention_bp.cli.help = "Disposal of personal data by the records plan's rules."
retention_bp.cli.short_help = "Disposal of personal data by the records plan's rules."


@retention_bp.cli.command("run", short_help="Dispose of personal data past its time.")
@click.option(
    "--now",
    "now_text",
    metavar="ISO-DATETIME",
    help="Act as if the clock read this moment (ISO 8601; without an offset, UTC).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be disposed of; change nothing.")
def retention_run(now_text: str | None, dry_run: bool) -> None:
    """Apply every disposal rule in force, as the scheduler does daily.

    Prints one line per rule: the kind of record, how many were (or would be) disposed
    of, and the rule. Running it twice disposes of nothing twice.
    """
    from app.records.disposal import run_disposal
    from app.records.rules import rules_in_force

    now = parse_now(now_text)
    if dry_run:
        done = run_disposal(now, dry_run=True)
        db.session.rollback()
    else:
        with unit_of_work():
            done = run_disposal(now)
    by_kind = {d.kind: d for d in done}
    verb = "would dispose of" if dry_run else "disposed of"
    for rule in rules_in_force():
        d = by_kind.get(rule.key)
        if d is None:
            click.echo(f"{rule.key:<16} kept for good ({rule.kind.setting}=0)")
        else:
            click.echo(
                f"{rule.key:<16} {verb} {d.count}  (after {d.months} months: "
                f"ended before {d.cutoff.strftime('%Y-%m-%d')})"
            )


@bp.cli.command("backup", short_help="Write a consistent JSON archive of all data.")
@click.option(
    "--out",
    "out",
    metavar="FILE",
    help="Where to write the archive ('-' for standard output). Default: "
    "instance/backups/vanort-<UTC time>.json.",
)
def backup_command(out: str | None) -> None:
    """Write a consistent, versioned JSON archive of every table and uploaded document.

    The archive holds personal data: it is written readable by its owner only.
    """
    from app.records.backup import build_archive

    archive = build_archive()
    db.session.rollback()
    text = json.dumps(archive, ensure_ascii=False, separators=(",", ":"))
    if out == "-":
        sys.stdout.write(text)
        return
    if out is None:
        stamp = archive["created_at"][:19].replace(":", "").replace("-", "")
        folder = Path(current_app.instance_path) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        out = str(folder / f"vanort-{stamp}Z.json")
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    rows = sum(len(rows) for rows in archive["tables"].values())
    click.echo(
        f"Wrote {out}: {rows} rows in {len(archive['tables'])} tables, "
        f"{len(archive['documents'])} documents, schema revision {archive['alembic_revision']}."
    )


@bp.cli.command("restore", short_help="Load a backup archive into an empty database.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def restore_command(file: str) -> None:
    """Load an archive written by `flask backup` into an empty database at its schema revision.

    Run `flask db upgrade` (to the archive's revision) on a new database first. A database
    that holds data, or is at another revision, is refused and left unchanged.
    """
    from app.records.backup import RestoreError, restore_archive

    try:
        with click.open_file(file, encoding="utf-8") as fh:
            archive = json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{file} is not a JSON archive: {exc}") from None
    try:
        counts = restore_archive(archive)
    except RestoreError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.rollback()
    click.echo(
        f"Restored {sum(counts.values())} rows in {len(counts)} tables and "
        f"{len(archive.get('documents') or {})} documents from {file}."
    )
