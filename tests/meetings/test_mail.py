"""Invitations to delegates: through the outbox, over real SMTP, with a valid .ics."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from icalendar import Calendar

from app.extensions import db
from app.mail import OutboxMail
from app.meetings import services
from app.meetings.links import meeting_uid
from tests.factories import make_partner
from tests.meetings.factories import make_meeting


def _chicago_meeting():
    chicago = make_partner("Chicago", country="US", timezone="America/Chicago")
    meeting = make_meeting(chicago, title_sv="Möte i Chicago", title_en="Meeting in Chicago")
    services.add_delegate(meeting, name="Anna Berg", email="anna@example.org", language="sv")
    services.add_delegate(
        meeting, name="John Doe", email="john@example.org", language="en", city="Chicago"
    )
    db.session.commit()
    return meeting


def _ics(message) -> Calendar:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    return Calendar.from_ical(part.get_content())


def test_each_delegate_gets_an_invitation_in_their_language_with_an_ics(logged_in, smtp):
    meeting = _chicago_meeting()
    response = logged_in.post(f"/admin/meetings/meeting/{meeting.id}/invite")
    assert response.status_code == 302
    smtp.wait_for(2)
    (anna,) = smtp.to("anna@example.org")
    (john,) = smtp.to("john@example.org")
    assert anna["Subject"] == "Inbjudan: Möte i Chicago"
    assert john["Subject"] == "Invitation: Meeting in Chicago"
    assert "America/Chicago" in john.get_body(("plain",)).get_content()
    cal = _ics(john)
    assert str(cal["METHOD"]) == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == meeting_uid(meeting)
    assert event["DTSTART"].dt == datetime(2030, 3, 12, 14, 30, tzinfo=UTC)
    assert str(event["DTSTART"].params["TZID"]) == "America/Chicago"
    assert [str(a) for a in [event["ATTENDEE"]]] == ["mailto:john@example.org"]
    assert str(event["ORGANIZER"]) == "mailto:planner@example.org"
    assert [c["TZID"] for c in cal.walk("VTIMEZONE")] == ["America/Chicago"]


def test_sending_again_sends_nothing_twice_but_a_change_sends_an_update(logged_in, smtp):
    meeting = _chicago_meeting()
    url = f"/admin/meetings/meeting/{meeting.id}/invite"
    logged_in.post(url)
    logged_in.post(url)
    smtp.wait_for(2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 2
    logged_in.post(
        f"/admin/meetings/meeting/{meeting.id}/edit",
        data={
            "title_sv": "Möte i Chicago",
            "title_en": "Meeting in Chicago",
            "partner_id": str(meeting.partner_id),
            "timezone": "America/Chicago",
            "start_date": "2030-03-13",
            "start_time": "09:30",
            "end_time": "17:00",
            "published": "y",
        },
    )
    logged_in.post(url)
    smtp.wait_for(4)
    updates = smtp.to("john@example.org")
    assert len(updates) == 2
    (event,) = _ics(updates[1]).walk("VEVENT")
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt.day == 13
