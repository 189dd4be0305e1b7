"""The JSON shape of each API object (described field by field in app/api/openapi.py)."""

from __future__ import annotations

from app.exchanges.calendar import exchange_event
from app.exchanges.display import title_in
from app.exchanges.links import exchange_url
from app.exchanges.models import Exchange
from app.meetings.models import MeetingSeries
from app.meetings.occurrences import UpcomingOccurrence
from app.partners.models import PUBLIC_KINDS, Partner

MEETING = "meeting"
EXCHANGE = "exchange"
CONFIRMED = "confirmed"
CANCELLED = "cancelled"


def public_slug(partner: Partner | None) -> str | None:
    """Return a partner's slug if /api/v1/partners lists it (not the home municipality)."""
    return partner.slug if partner is not None and partner.kind in PUBLIC_KINDS else None


def partner_json(partner: Partner) -> dict:
    return {
        "slug": partner.slug,
        "name": partner.name,
        "country": partner.country,
        "kind": partner.kind,
        "since": partner.since_year,
        "timezone": partner.timezone,
    }


def exchange_json(exchange: Exchange, places_left: int, lang: str) -> dict:
    return {
        "id": exchange.id,
        "title": title_in(exchange, lang),
        "partner": exchange.partner.slug,
        "starts_on": exchange.starts_on.isoformat(),
        "ends_on": exchange.ends_on.isoformat(),
        "places": exchange.places,
        "places_left": places_left,
        "status": exchange.status,
        "direction": exchange.direction,
        "signup_opens_at": exchange.signup_opens_at.isoformat(),
        "signup_closes_at": exchange.signup_closes_at.isoformat(),
        "url": exchange_url(exchange),
    }


def occurrence_partners(occ: UpcomingOccurrence) -> list[Partner]:
    """Return every partner taking part: a series' whole rotation, a meeting's partner."""
    found = list(occ.item.rotation) if isinstance(occ.item, MeetingSeries) else []
    if occ.host is not None:
        found.append(occ.host)
    return found


def meeting_event_json(occ: UpcomingOccurrence) -> dict:
    """Return a meeting occurrence as an event: local times with their offset and zone."""
    slugs = {public_slug(p) for p in occurrence_partners(occ)} - {None}
    return {
        "uid": occ.uid,
        "kind": MEETING,
        "title": occ.title,
        "start": occ.start.isoformat(timespec="seconds"),
        "end": occ.end.isoformat(timespec="seconds"),
        "all_day": False,
        "timezone": occ.timezone,
        "partner": public_slug(occ.host),
        "partners": sorted(slugs),
        "host": occ.host.slug if occ.host is not None else None,
        "host_name": occ.host.name if occ.host is not None else None,
        "venue": occ.venue,
        "status": occ.status,
        "url": occ.url,
        "recurrence_id": (
            occ.recurrence_id.isoformat(timespec="seconds") if occ.recurrence_id else None
        ),
    }


def exchange_event_json(exchange: Exchange, lang: str) -> dict:
    """Return an exchange as an all-day event: dates, the end day exclusive as in iCal."""
    event = exchange_event(exchange, lang)
    slug = public_slug(exchange.partner)
    return {
        "uid": event.uid,
        "kind": EXCHANGE,
        "title": event.title,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "all_day": True,
        "timezone": None,
        "partner": slug,
        "partners": [slug] if slug else [],
        "host": None,
        "host_name": None,
        "venue": event.location,
        "status": CANCELLED if event.status == "CANCELLED" else CONFIRMED,
        "url": event.url,
        "recurrence_id": None,
    }
