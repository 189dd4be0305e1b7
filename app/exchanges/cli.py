"""The exchanges commands: `flask exchanges expire-offers` (the scheduler runs app.scheduler)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Blueprint

from app.boundary import unit_of_work
from app.exchanges.services import expire_offers
from app.timeutil import utcnow

bp = Blueprint("exchanges_cli", __name__, cli_group="exchanges")
bp.cli.help = "Youth exchanges: the waiting list's offers."
bp.cli.short_help = "Youth exchanges: the waiting list's offers."


def sweep_offers(now: datetime | None = None) -> list[int]:
    """Let offers past their deadline lapse, pass the places on, commit and send the mail.

    Repeatable: a second run at the same moment changes and sends nothing. Returns the ids
    of the sign-ups whose offer lapsed. Schedule it every few minutes (job id
    "exchanges-expire-offers").
    """
    with unit_of_work():
        return [s.id for s in expire_offers(now or utcnow())]


@bp.cli.command("expire-offers", short_help="Let offers past their deadline lapse.")
@click.option("--now", "now_text", help="ISO date-time with offset to act as if it were then.")
def expire_offers_command(now_text: str | None) -> None:
    """Pass on offered places whose deadline has passed."""
    now = utcnow()
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter("not an ISO date-time", param_hint="--now")
        if now.tzinfo is None:
            raise click.BadParameter(
                "give an offset, e.g. 2031-05-04T10:00+02:00", param_hint="--now"
            )
    lapsed = sweep_offers(now)
    click.echo(f"{len(lapsed)} offers lapsed.")
