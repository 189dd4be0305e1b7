"""Exchanges as calendar events for the serialiser: all-day, the end day exclusive."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from app.exchanges import models as m
from app.exchanges.display import title_in
from app.exchanges.links import exchange_url
from app.exchanges.models import Exchange
from app.feeds.ical import CalEvent, event_to_ical
from app.installation import calendar_uid


def exchange_event(exchange: Exchange, lang: str = "sv") -> CalEvent:
    """Return an exchange as an all-day calendar event (the end day is exclusive)."""
    description = (exchange.description_en if lang == "en" else exchange.description_sv) or (
        exchange.description_sv or exchange.description_en
    )
    return CalEvent(
        uid=calendar_uid("exchange", exchange.id),
        title=title_in(exchange, lang),
        start=exchange.starts_on,
        end=exchange.ends_on + timedelta(days=1),
        description=description,
        location=exchange.partner.name if exchange.direction == m.WE_TRAVEL else "",
        url=exchange_url(exchange),
        status="CANCELLED" if exchange.status == m.CANCELLED else "CONFIRMED",
        categories=("exchange",),
        last_modified=exchange.updated_at,
        created=exchange.created_at,
        sequence=exchange.sequence or 0,
    )


def exchange_events(exchanges: Iterable[Exchange], lang: str = "sv") -> list[CalEvent]:
    """Return public exchanges as calendar events (drafts left out), for the feeds."""
    return [exchange_event(e, lang) for e in exchanges if e.status != m.DRAFT]


def exchange_ics(exchange: Exchange, lang: str) -> bytes:
    """Return one exchange as an .ics file to attach to a school's mail."""
    return event_to_ical(exchange_event(exchange, lang), method="PUBLISH")
