"""Feeds are read as a calendar app reads them: parsed with icalendar, expanded with
recurring-ical-events, fetched over HTTP with conditional requests."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from app.calendar import tokens
from app.extensions import db
from tests.meetings.factories import make_nordic_partners


@pytest.fixture
def nordic(app):
    return make_nordic_partners()


@pytest.fixture
def private_url(app):
    """Return the path of a fresh private feed."""
    _token, secret = tokens.create_token("Mayor's office", None)
    db.session.commit()
    return f"/calendar/private/{secret}.ics"


def parse(body: bytes) -> Calendar:
    """Parse a feed and fail on any error icalendar noticed in any component."""
    cal = Calendar.from_ical(body)
    for component in cal.walk():
        assert component.errors == [], (component.name, component.errors)
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    for event in cal.walk("VEVENT"):
        for prop in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE"):
            values = event.get(prop)
            for value in values if isinstance(values, list) else [values]:
                if value is not None and "TZID" in value.params:
                    assert str(value.params["TZID"]) in tzids, (prop, value.params["TZID"])
    return cal


def sequences(cal: Calendar) -> dict[tuple[str, str], int]:
    """Return each event's SEQUENCE by (UID, RECURRENCE-ID)."""
    found = {}
    for event in cal.walk("VEVENT"):
        rid = event.get("RECURRENCE-ID")
        found[(str(event["UID"]), rid.to_ical().decode() if rid is not None else "")] = int(
            event["SEQUENCE"]
        )
    return found
