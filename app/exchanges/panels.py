"""The exchanges' part of the coordinators' dashboard: the exchanges open for sign-up, and
each partner's latest exchange for the partnership health view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.calendar import version
from app.exchanges import queries as exchanges
from app.exchanges.models import CANCELLED, DRAFT, OPEN, Exchange
from app.extensions import db
from app.partners.models import Partner
from app.timeutil import utcnow

PANEL_ROWS = 10


@dataclass(frozen=True)
class PartnerName:
    name: str


@dataclass(frozen=True)
class OpenExchange:
    """What the panel shows of an exchange open for sign-up, without database objects."""

    id: int
    title_sv: str
    title_en: str
    partner: PartnerName
    starts_on: date
    ends_on: date
    places: int
    signup_closes_at: datetime


@dataclass(frozen=True)
class _Kept:
    found: tuple[OpenExchange, ...]  # open at the start of the UTC day, enough for today
    total: int  # how many were open then
    closing: tuple[datetime, ...]  # when those that close during the UTC day close


def open_exchanges(today: date) -> dict:
    """Return the first exchanges open for sign-up with their places left, and how many
    more there are (the public list pages through them all).

    Which exchanges are open is made only from exchanges and partners, which the data
    version counts: those open at the start of this UTC day are kept per process by the
    version (`app.calendar.version.kept`), as many as close during the day and PANEL_ROWS
    more, with when those close; the ones still open now are shown and counted. Places
    left depend on sign-ups, which the version does not count: read on every request.
    """
    now = utcnow()
    kept = version.kept(
        "dashboard.open_exchanges", (today, now.date()), lambda: _open_from(now.date(), today)
    )
    found = [e for e in kept.found if e.signup_closes_at > now][:PANEL_ROWS]
    closed = sum(1 for moment in kept.closing if moment <= now)
    more = kept.total - closed - len(found)
    return {"exchanges": found, "places_left": exchanges.places_left_for(found), "more": more}


def _open_from(day: date, today: date) -> _Kept:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    open_then = (
        Exchange.status == OPEN,
        Exchange.signup_closes_at > start,
        Exchange.ends_on >= today,
    )
    closing = tuple(
        db.session.scalars(
            sa.select(Exchange.signup_closes_at).where(
                *open_then, Exchange.signup_closes_at <= start + timedelta(days=1)
            )
        )
    )
    total = db.session.scalar(sa.select(sa.func.count(Exchange.id)).where(*open_then)) or 0
    rows = db.session.execute(
        sa.select(
            Exchange.id,
            Exchange.title_sv,
            Exchange.title_en,
            Partner.name,
            Exchange.starts_on,
            Exchange.ends_on,
            Exchange.places,
            Exchange.signup_closes_at,
        )
        .join(Exchange.partner)
        .where(*open_then)
        .order_by(Exchange.starts_on, Exchange.id)
        .limit(len(closing) + PANEL_ROWS)
    )
    found = tuple(
        OpenExchange(id_, sv, en, PartnerName(partner), starts, ends, places, closes)
        for id_, sv, en, partner, starts, ends, places, closes in rows
    )
    return _Kept(found, int(total), closing)


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
