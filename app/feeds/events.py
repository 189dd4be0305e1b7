"""The calendar events the serialiser writes: plain immutable values, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["Attendee", "CalEvent"]


@dataclass(frozen=True)
class Attendee:
    """Describe a person invited to, or organising, an event."""

    email: str
    name: str = ""
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class CalEvent:
    """Describe one VEVENT: a single event, a series master or an overridden occurrence."""

    uid: str
    title: str
    start: datetime | date
    end: datetime | date
    timezone: str | None = None
    description: str = ""
    location: str = ""
    url: str | None = None
    status: str = "CONFIRMED"
    categories: tuple[str, ...] = ()
    sequence: int = 0
    last_modified: datetime | None = None
    created: datetime | None = None
    rrule: str | None = None
    exdates: tuple[datetime | date, ...] = ()
    recurrence_id: datetime | date | None = None
    # The zone the RECURRENCE-ID is written in: its master's DTSTART zone, when the
    # override itself is held in another one (clients match by local clock text).
    recurrence_timezone: str | None = None
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()
