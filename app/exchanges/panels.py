"""The exchanges' part of the coordinators' dashboard: the exchanges open for sign-up, and
each partner's latest exchange for the partnership health view."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from app.exchanges import queries as exchanges
from app.exchanges.models import CANCELLED, DRAFT, Exchange
from app.extensions import db
from app.timeutil import utcnow

PANEL_ROWS = 10


def open_exchanges(today: date) -> dict:
    """Return the first exchanges open for sign-up with their places left, and how many
    more there are (the public list pages through them all)."""
    now = utcnow()
    found = exchanges.open_exchanges(now, limit=PANEL_ROWS, today=today)
    more = exchanges.count_open_exchanges(now, today) - len(found)  # asked even when short
    return {"exchanges": found, "places_left": exchanges.places_left_for(found), "more": more}


def exchange_activity(today: date, since: datetime) -> dict[int, date]:
    """Return each partner's latest exchange that has started by today (any age)."""
    rows = db.session.execute(
        sa.select(Exchange.partner_id, sa.func.max(Exchange.starts_on))
        .where(Exchange.starts_on <= today, Exchange.status.not_in((DRAFT, CANCELLED)))
        .group_by(Exchange.partner_id)
    ).all()
    return {partner_id: day for partner_id, day in rows if day is not None}


def planned_exchanges(today: date, until: datetime) -> dict[int, date]:
    """Return each partner's next exchange starting after today (drafts and cancelled not)."""
    rows = db.session.execute(
        sa.select(Exchange.partner_id, sa.func.min(Exchange.starts_on))
        .where(
            Exchange.starts_on > today,
            Exchange.starts_on < until.date(),
            Exchange.status.not_in((DRAFT, CANCELLED)),
        )
        .group_by(Exchange.partner_id)
    ).all()
    return {partner_id: day for partner_id, day in rows if day is not None}
