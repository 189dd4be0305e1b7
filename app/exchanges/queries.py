"""Reading exchanges: places held and left, sign-up windows, lists for pages and the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.exchanges import allocation
from app.exchanges import models as m
from app.exchanges.models import Exchange, Signup
from app.extensions import db
from app.partners.services import home_today
from app.timeutil import utcnow


def _pupils_where(*conditions: sa.ColumnElement[bool]) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Signup.pupils), 0)).where(*conditions)
        )
    )


def held_pupils(exchange_id: int) -> int:
    """Return the pupils of confirmed and offered groups."""
    return _pupils_where(Signup.exchange_id == exchange_id, Signup.status.in_(m.HOLDING))


def confirmed_pupils(exchange_id: int) -> int:
    """Return the pupils of confirmed groups."""
    return _pupils_where(Signup.exchange_id == exchange_id, Signup.status == m.CONFIRMED)


def places_left(exchange: Exchange) -> int:
    """Return the places no group holds."""
    return allocation.places_left(exchange.places, [held_pupils(exchange.id)])


def places_left_for(exchanges: Sequence[Exchange]) -> dict[int, int]:
    """Return places left per exchange id, in one query."""
    ids = [e.id for e in exchanges]
    held: dict[int, int] = {}
    if ids:
        rows = db.session.execute(
            sa.select(Signup.exchange_id, sa.func.sum(Signup.pupils))
            .where(Signup.exchange_id.in_(ids), Signup.status.in_(m.HOLDING))
            .group_by(Signup.exchange_id)
        )
        held = {exchange_id: int(total or 0) for exchange_id, total in rows}
    return {e.id: allocation.places_left(e.places, [held.get(e.id, 0)]) for e in exchanges}


def window_state(exchange: Exchange, now: datetime) -> str:
    """Return 'over', 'not_yet', 'open' or 'closed' for the exchange's sign-up window.

    An exchange whose last day has passed (in the home zone) is 'over', whatever its window.
    """
    if exchange.ends_on < home_today(now):
        return "over"
    if now < exchange.signup_opens_at:
        return "not_yet"
    if now >= exchange.signup_closes_at:
        return "closed"
    return "open"


def accepts_signups(exchange: Exchange, now: datetime) -> bool:
    """Tell whether a school can sign up now."""
    return exchange.status == m.OPEN and window_state(exchange, now) == "open"


def public_exchange(exchange_id: int) -> Exchange | None:
    """Return an exchange the public may see (anything but a draft)."""
    exchange = db.session.get(Exchange, exchange_id)
    if exchange is None or exchange.status == m.DRAFT:
        return None
    return exchange


def _open_now(now: datetime, today: date | None = None) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        Exchange.status == m.OPEN,
        Exchange.signup_closes_at > now,
        Exchange.ends_on >= (today or home_today(now)),
    )


def open_exchanges(
    now: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    today: date | None = None,
) -> list[Exchange]:
    """Return the exchanges open for sign-up now or later (window not closed), soonest first
    (only `limit` of them from `offset`, if given; `today`: the home day, if known)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(Exchange)
            .options(joinedload(Exchange.partner))
            .where(*_open_now(now, today))
            .order_by(Exchange.starts_on, Exchange.id)
            .limit(limit)
            .offset(offset or None)
        )
    )


def count_open_exchanges(now: datetime | None = None, today: date | None = None) -> int:
    """Return how many exchanges `open_exchanges` lists (`today`: the home day, if known)."""
    now = now or utcnow()
    query = sa.select(sa.func.count(Exchange.id)).where(*_open_now(now, today))
    return int(db.session.scalar(query) or 0)


def listed_exchanges(now: datetime | None = None) -> list[Exchange]:
    """Return every public exchange that has not ended, soonest first (for the API)."""
    today = home_today(now)
    return list(
        db.session.scalars(
            sa.select(Exchange)
            .options(joinedload(Exchange.partner))
            .where(Exchange.status != m.DRAFT, Exchange.ends_on >= today)
            .order_by(Exchange.starts_on, Exchange.id)
        )
    )


def coming_for_partner(partner_id: int, now: datetime | None = None) -> list[Exchange]:
    """Return the public exchanges with a partner that have not ended, cancelled ones left
    out, soonest first."""
    return list(
        db.session.scalars(
            sa.select(Exchange)
            .options(joinedload(Exchange.partner))
            .where(
                Exchange.partner_id == partner_id,
                Exchange.status.in_((m.OPEN, m.CLOSED)),
                Exchange.ends_on >= home_today(now),
            )
            .order_by(Exchange.starts_on, Exchange.id)
        )
    )


def exchanges_between(
    first: date, last: date, partner_id: int | None = None, *, drafts: bool = False
) -> list[Exchange]:
    """Return the public exchanges (and drafts, if asked) with a day from `first` to `last`,
    soonest first (the API, the calendar pages)."""
    query = (
        sa.select(Exchange)
        .options(joinedload(Exchange.partner))
        .where(Exchange.starts_on <= last, Exchange.ends_on >= first)
    )
    if not drafts:
        query = query.where(Exchange.status != m.DRAFT)
    if partner_id is not None:
        query = query.where(Exchange.partner_id == partner_id)
    return list(db.session.scalars(query.order_by(Exchange.starts_on, Exchange.id)))


def all_exchanges() -> list[Exchange]:
    """Return every exchange, the latest first (the coordinators' list)."""
    return list(
        db.session.scalars(sa.select(Exchange).order_by(Exchange.starts_on.desc(), Exchange.id))
    )


def move_targets(exchange: Exchange) -> list[Exchange]:
    """Return the open or closed exchanges not yet over that a group could move to."""
    return list(
        db.session.scalars(
            sa.select(Exchange)
            .where(
                Exchange.id != exchange.id,
                Exchange.status.in_((m.OPEN, m.CLOSED)),
                Exchange.ends_on >= home_today(),
            )
            .order_by(Exchange.starts_on)
        )
    )


def other_exchanges(exchange_id: int) -> list[Exchange]:
    """Return every exchange but one (what a submitted move may name; the service decides)."""
    return list(db.session.scalars(sa.select(Exchange).where(Exchange.id != exchange_id)))


def waiting_list(exchange: Exchange) -> list[Signup]:
    """Return the waiting groups in queue order."""
    return list(
        db.session.scalars(
            sa.select(Signup)
            .where(Signup.exchange_id == exchange.id, Signup.status == m.WAITLISTED)
            .order_by(Signup.queued_at, Signup.id)
        )
    )


def signups_of(exchange: Exchange) -> list[Signup]:
    """Return every sign-up of an exchange: holding groups, then the queue, then the rest."""
    order = {m.CONFIRMED: 0, m.OFFERED: 1, m.WAITLISTED: 2, m.EXPIRED: 3, m.SIGNUP_CANCELLED: 4}
    rows = db.session.scalars(
        sa.select(Signup)
        .where(Signup.exchange_id == exchange.id)
        .order_by(Signup.queued_at, Signup.id)
    ).all()
    return sorted(rows, key=lambda s: order[s.status])


def possible_duplicates(signups: Sequence[Signup]) -> set[int]:
    """Return the ids of live sign-ups that share their school with another live one.

    The same school name with two contact addresses may be one school twice, or a stranger
    using its name: both are kept and shown to the coordinator to decide.
    """
    by_school: dict[int, list[int]] = {}
    for signup in signups:
        if signup.status in m.ACTIVE:
            by_school.setdefault(signup.school_id, []).append(signup.id)
    return {i for ids in by_school.values() if len(ids) > 1 for i in ids}
