"""What each calendar feed holds, rendered by the one serialiser (`app.feeds.ical`).

Feeds look back to 1 January of last year; series of moving meetings go ahead to their
planned horizon (whole years too). Nothing here reads the clock finer than the year, so
an unchanged feed keeps its bytes, and its ETag, from one day to the next.

- `public_feed(kind, lang, year)`: kind is "all", "meetings" or "exchanges";
- `partner_feed(partner, lang, year)`: the series it takes part in, its own meetings
  and its exchanges;
- `private_feed(lang, year)`: everything, with unpublished meetings, draft exchanges
  (both TENTATIVE), agreements' decision dates and expiries and grants' obligations
  as all-day events.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.agreements.models import Agreement
from app.calendar.cache import event_cache
from app.dbutil import in_values
from app.exchanges import models as xm
from app.exchanges.calendar import exchange_event
from app.exchanges.models import Exchange
from app.extensions import db
from app.feeds.ical import CalEvent, events_to_ical
from app.grants.calendar import obligation_events
from app.installation import calendar_uid, uid_domain
from app.meetings.calendar import calendar_events, partner_rows
from app.meetings.links import absolute_url
from app.meetings.memo import field, memo, read_rows, row, select_rows
from app.meetings.occurrences import HORIZON_YEARS
from app.partners.models import Partner

REFRESH_MINUTES = 60
KINDS = ("all", "meetings", "exchanges")


def since_for(year: int) -> datetime:
    """Return the first instant a feed of `year` shows: 1 January of the year before."""
    return datetime(year - 1, 1, 1, tzinfo=UTC)


def _exchange_event(exchange: Exchange, lang: str) -> CalEvent:
    event = exchange_event(exchange, lang)
    if exchange.status == xm.DRAFT:
        event = dataclasses.replace(event, status="TENTATIVE")
    return event


def _exchanges(
    since: date,
    lang: str,
    *,
    partner: Partner | None = None,
    drafts: bool = False,
    partners: dict[int, tuple] | None = None,
) -> list[CalEvent]:
    """Return the exchanges ending on `since` or later as events, in start order.

    Read as plain rows; each event is kept per process under every column of the
    exchange and its partner, the language and the site's address, and only exchanges
    with no kept event are loaded as objects (as `calendar_events` does for meetings).
    """
    query = select_rows(Exchange).where(Exchange.ends_on >= since)
    if not drafts:
        query = query.where(Exchange.status != xm.DRAFT)
    if partner is not None:
        query = query.where(Exchange.partner_id == partner.id)
    query = query.order_by(Exchange.starts_on, Exchange.id)
    if partners is None:
        partners = partner_rows()
    kept = memo("exchange-events")
    context = (lang, absolute_url("/"), uid_domain())
    of_id, of_partner = field(Exchange, "id"), field(Exchange, "partner_id")
    found: dict[int, CalEvent] = {}
    order, missing = [], []
    for r in read_rows(db.session, Exchange, query):
        order.append(r[of_id])
        value = kept.find((r, partners.get(r[of_partner]), context))
        if value is None:
            missing.append(r[of_id])
        else:
            found[r[of_id]] = value
    if missing:
        for exchange in db.session.scalars(
            sa.select(Exchange).where(in_values(Exchange.id, missing))
        ):
            found[exchange.id] = kept.get(
                (row(exchange), row(exchange.partner), context),
                lambda exchange=exchange: _exchange_event(exchange, lang),
            )
    return [found[i] for i in order if i in found]


def agreement_event(agreement: Agreement, which: str) -> CalEvent:
    """Return an agreement's decision date (`which="decision"`) or expiry as an all-day
    event, as the private feed shows it (reminder mails attach the same, same UID)."""
    partner = agreement.partner.name
    common = {
        "url": absolute_url(f"/admin/agreements/{agreement.id}"),
        "categories": ("agreement",),
        "sequence": agreement.sequence,
        "last_modified": agreement.updated_at,
        "created": agreement.created_at,
    }
    if which == "decision":
        day = agreement.decision_on
        return CalEvent(
            uid=calendar_uid("agreement", agreement.id, "decision"),
            title=_(
                "Decide on renewal: %(title)s (%(partner)s)", title=agreement.title, partner=partner
            ),
            start=day,
            end=day + timedelta(days=1),
            description=_(
                "The last day to decide whether to renew the agreement before it "
                "expires on %(day)s.",
                day=agreement.ends_on.isoformat(),
            ),
            **common,
        )
    day = agreement.ends_on
    return CalEvent(
        uid=calendar_uid("agreement", agreement.id, "expiry"),
        title=_(
            "Agreement expires: %(title)s (%(partner)s)", title=agreement.title, partner=partner
        ),
        start=day,
        end=day + timedelta(days=1),
        **common,
    )


def agreement_events(
    since: date, until: date | None = None, *, partner: Partner | None = None
) -> list[CalEvent]:
    """Return the decision date and the expiry of every agreement still running.

    `until` (inclusive) and `partner` narrow it for the calendar pages; a decision date
    lies before its expiry, so only the expiry bounds the query from below.
    """
    query = (
        sa.select(Agreement)
        .options(selectinload(Agreement.renewed_by))
        .where(Agreement.ended_on.is_(None), Agreement.ends_on >= since)
        .order_by(Agreement.ends_on, Agreement.id)
    )
    if partner is not None:
        query = query.where(Agreement.partner_id == partner.id)
    events = []
    for agreement in db.session.scalars(query):
        if agreement.renewed_by is not None:
            continue
        decision = agreement.decision_on
        if decision >= since and (until is None or decision <= until):
            events.append(agreement_event(agreement, "decision"))
        if until is None or agreement.ends_on <= until:
            events.append(agreement_event(agreement, "expiry"))
    return events


def _render(events: list[CalEvent], name: str, description: str, year: int) -> bytes:
    return events_to_ical(
        events,
        name=name,
        description=description,
        refresh_minutes=REFRESH_MINUTES,
        through_year=year + HORIZON_YEARS,
        cache=event_cache(),
    )


def public_events(kind: str, lang: str, year: int) -> list[CalEvent]:
    """Return the events of the public feed of every event, of meetings, or of exchanges."""
    since = since_for(year)
    events: list[CalEvent] = []
    partners = partner_rows()
    if kind in ("all", "meetings"):
        events += calendar_events(lang=lang, since=since, partners=partners)
    if kind in ("all", "exchanges"):
        events += _exchanges(since.date(), lang, partners=partners)
    return events


def public_feed(kind: str, lang: str, year: int) -> bytes:
    """Return the public feed of every event, of meetings, or of exchanges."""
    names = {
        "all": _("Vänort: meetings and exchanges"),
        "meetings": _("Vänort: meetings"),
        "exchanges": _("Vänort: youth exchanges"),
    }
    return _render(
        public_events(kind, lang, year),
        names[kind],
        _("Meetings with partner cities and youth exchanges of the international office."),
        year,
    )


def partner_feed(partner: Partner, lang: str, year: int) -> bytes:
    """Return the feed of one partner: the series it takes part in, its meetings, its exchanges."""
    since = since_for(year)
    partners = partner_rows()
    events = calendar_events(lang=lang, since=since, partner=partner, partners=partners)
    events += _exchanges(since.date(), lang, partner=partner, partners=partners)
    return _render(
        events,
        _("Vänort: %(partner)s", partner=partner.name),
        _("Meetings and youth exchanges with %(partner)s.", partner=partner.name),
        year,
    )


def private_feed(lang: str, year: int) -> bytes:
    """Return the coordinators' feed: unpublished events, agreement and grant deadlines too."""
    since = since_for(year)
    partners = partner_rows()
    events = calendar_events(lang=lang, since=since, include_unpublished=True, partners=partners)
    events += _exchanges(since.date(), lang, drafts=True, partners=partners)
    events += agreement_events(since.date())
    events += obligation_events(since.date())
    return _render(
        events,
        _("Vänort: coordinators' calendar"),
        _("Every meeting and exchange, published or not, and agreements' decision dates."),
        year,
    )
