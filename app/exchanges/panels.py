"""The exchanges' part of the coordinators' dashboard: the exchanges open for sign-up, and
each partner's latest exchange for the partnership health view."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from app.exchanges import queries as exchanges
from app.exchanges.models import CANCELLED, DRAFT, Exchange
from app.extensions import db
from app.timeutil import utcnow


def open_exchanges(today: date) -> dict:
    """Return the exchanges open for sign-up, with their places left."""
    found = exchanges.open_exchanges(utcnow())
    return {"exchanges": found, "places_left": exchanges.places_left_for(found)}


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
