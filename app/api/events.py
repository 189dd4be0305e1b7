"""/api/v1/events: published meetings expanded to occurrences, and public exchanges, in a window."""

from __future__ import annotations

from datetime import datetime, time

from app.api.shapes import exchange_event_json, meeting_event_json, occurrence_partners
from app.api.window import Window
from app.exchanges.queries import exchanges_between
from app.meetings.occurrences import occurrences_between
from app.partners.models import Partner
from app.partners.services import home_timezone
from app.timeutil import localize


def events_in(window: Window, lang: str, partner: Partner | None = None) -> list[dict]:
    """Return the events that overlap the window (of one partner, if given), by start.

    An all-day exchange sorts as if it began at midnight in the home municipality.
    """
    zone = home_timezone()
    start, end = window.bounds(zone)
    found: list[tuple[datetime, str, dict]] = []
    for occ in occurrences_between(start, end):
        if partner is None or partner.id in {p.id for p in occurrence_partners(occ)}:
            found.append((occ.start, occ.uid, meeting_event_json(occ)))
    partner_id = partner.id if partner is not None else None
    for exchange in exchanges_between(window.first, window.last, partner_id):
        event = exchange_event_json(exchange, lang)
        found.append((localize(exchange.starts_on, time(0), zone), event["uid"], event))
    found.sort(key=lambda item: (item[0], item[1]))
    return [event for _start, _uid, event in found]
