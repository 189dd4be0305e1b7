"""`flask reminders run [--now ISO-DATETIME] [--dry-run]`: one reminder pass, by hand.

The scheduler runs the same pass every minute (`app.reminders.services.run_sweep`).
"""

from __future__ import annotations

from datetime import UTC, datetime

import click
import sqlalchemy as sa
from flask import Blueprint

from app.boundary import unit_of_work
from app.extensions import db
from app.mail import FAILED, SENT, OutboxMail
from app.reminders.services import PLANNED, Outcome, run_sweep
from app.timeutil import utcnow

bp = Blueprint("reminders_cli", __name__, cli_group="reminders")
bp.cli.help = "Reminders by mail: one pass of the sweep the scheduler runs every minute."
bp.cli.short_help = "Reminders by mail: one pass of the sweep."


def parse_now(text: str | None) -> datetime:
    """Return --now as an aware moment: ISO 8601, with an offset or Z; without one, UTC."""
    if not text:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO date-time, e.g. 2027-03-02T08:00Z or 2027-03-02T09:00+01:00",
            param_hint="--now",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not 1900 <= moment.astimezone(UTC).year <= 2200:
        raise click.BadParameter("give a year between 1900 and 2200", param_hint="--now")
    return moment.astimezone(UTC)


def line(status: str, outcome: Outcome, note: str = "") -> str:
    """Return one reminder as a line: status, due time, rule and offset, recipient, title."""
    d = outcome.due
    when = d.due_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    text = f"{status:<7} {when} UTC  {d.rule} {d.offset_label}  {d.recipient.address}  {d.candidate.title}"
    return f"{text}  ({note})" if note else text


@bp.cli.command("run", short_help="Send due reminders; record missed ones.")
@click.option(
    "--now",
    "now_text",
    metavar="ISO-DATETIME",
    help="Act as if the clock read this moment, e.g. 2027-03-02T08:00Z or "
    "2027-03-02T09:00+01:00. A time without an offset is UTC. Default: now.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be sent or missed; change nothing.")
def run_command(now_text: str | None, dry_run: bool) -> None:
    """Run one reminder pass: send what is due, record what was missed.

    Prints one line per reminder: sent (the mail server took it), queued (it did not,
    yet: the outbox retries it; the server's answer follows), failed (refused for good),
    missed (recorded, not sent, with the reason); in a dry run planned or to-miss.
    Running it twice sends nothing twice.
    """
    now = parse_now(now_text)
    if dry_run:
        report = run_sweep(now, dry_run=True)
        db.session.rollback()
    else:
        with unit_of_work():
            report = run_sweep(now)
    mails = {}
    ids = [o.mail_id for o in report.outcomes if o.mail_id is not None]
    if ids:
        mails = {
            m.id: m
            for m in db.session.scalars(
                sa.select(OutboxMail)
                .where(OutboxMail.id.in_(ids))
                .execution_options(populate_existing=True)
            )
        }
    for outcome in report.outcomes:
        if outcome.status == PLANNED:
            click.echo(line("planned", outcome))
        elif outcome.status == "missed":
            click.echo(line("to-miss" if dry_run else "missed", outcome, outcome.reason))
        else:
            sent = mails.get(outcome.mail_id)
            if sent is not None and sent.status == SENT:
                click.echo(line("sent", outcome))
            elif sent is not None and sent.status == FAILED:
                click.echo(line("failed", outcome, sent.last_error or ""))
            else:
                click.echo(line("queued", outcome, (sent.last_error if sent else "") or ""))
    if report.lost:
        click.echo(
            f"{report.lost} reminders were recorded meanwhile by another pass: not sent here."
        )
    if not report.outcomes and not report.lost:
        click.echo(f"No reminders due at {now.strftime('%Y-%m-%d %H:%M')} UTC.")
