"""One-line meeting test data, on top of tests/factories.py."""

from __future__ import annotations

from datetime import date, time

from app.extensions import db
from app.meetings import services
from app.meetings.models import Meeting, MeetingSeries
from app.partners.models import TWIN_TOWN, Partner
from tests.factories import make_home, make_partner


def make_nordic_partners() -> dict[str, Partner]:
    """The home city and the three Nordic twin towns, each in its own zone."""
    return {
        "goteborg": make_home("Göteborg"),
        "aarhus": make_partner(
            "Århus", kind=TWIN_TOWN, slug="aarhus", timezone="Europe/Copenhagen"
        ),
        "turku": make_partner(
            "Åbo", kind=TWIN_TOWN, slug="turku", country="FI", timezone="Europe/Helsinki"
        ),
        "bergen": make_partner("Bergen", kind=TWIN_TOWN, country="NO", timezone="Europe/Oslo"),
    }


def series_values(**fields: object) -> dict:
    values = {
        "title_sv": "Nordiskt vänortsmöte",
        "title_en": "Nordic twin town meeting",
        "freq": "years",
        "interval": 2,
        "first_date": date(2030, 6, 10),
        "start_time": time(10, 0),
        "duration_minutes": 360,
        "timezone": "Europe/Stockholm",
        "in_host_timezone": True,
        "published": True,
    }
    values.update(fields)
    return values


def make_series(hosts: list[Partner], **fields: object) -> MeetingSeries:
    """Add a series (committed) hosted in turn by `hosts`."""
    series = services.create_series(host_ids=[p.id for p in hosts], **series_values(**fields))
    db.session.commit()
    return series


def meeting_values(partner: Partner, **fields: object) -> dict:
    values = {
        "title_sv": "Delegationsbesök",
        "title_en": "Delegation visit",
        "partner_id": partner.id,
        "venue": "City Hall",
        "agenda": "1. Welcome",
        "timezone": partner.timezone,
        "start_date": date(2030, 3, 12),
        "start_time": time(9, 30),
        "end_time": time(17, 0),
        "published": True,
    }
    values.update(fields)
    return values


def make_meeting(partner: Partner, **fields: object) -> Meeting:
    """Add a one-off meeting (committed)."""
    meeting = services.create_meeting(**meeting_values(partner, **fields))
    db.session.commit()
    return meeting
