"""Delegates never keep a stale calendar entry: updates, cancellations and removals of a
one-off meeting reach every invited delegate through the outbox, over real SMTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app.audit import AuditEntry
from app.extensions import db
from app.mail import OutboxMail
from app.meetings import services
from app.meetings.calendar import calendar_events
from app.meetings.links import meeting_uid
from app.meetings.models import Delegate, Meeting
from tests.factories import make_partner
from tests.meetings.factories import make_meeting

ANNA, JOHN, BOB = "anna@example.org", "john@example.org", "bob@example.org"


@pytest.fixture
def invited(logged_in, smtp):
    """A Chicago meeting; Anna (sv) and John (en) invited, Bob added afterwards, not invited."""
    chicago = make_partner("Chicago", country="US", timezone="America/Chicago")
    meeting = make_meeting(chicago, title_sv="Möte i Chicago", title_en="Meeting in Chicago")
    services.add_delegate(meeting, name="Anna Berg", email=ANNA, language="sv")
    services.add_delegate(meeting, name="John Doe", email=JOHN, language="en")
    db.session.commit()
    assert logged_in.post(f"/admin/meetings/meeting/{meeting.id}/invite").status_code == 302
    smtp.wait_for(2)
    services.add_delegate(meeting, name="Bob Ek", email=BOB, language="en")
    db.session.commit()
    return meeting


def _form(meeting: Meeting, **changes: str) -> dict:
    data = {
        "title_sv": "Möte i Chicago",
        "title_en": "Meeting in Chicago",
        "partner_id": str(meeting.partner_id),
        "venue": "City Hall",
        "agenda": "1. Welcome",
        "timezone": "America/Chicago",
        "start_date": "2030-03-12",
        "start_time": "09:30",
        "end_time": "17:00",
        "published": "y",
    }
    data.update(changes)
    return data


def _edit(client, meeting: Meeting, **changes: str):
    response = client.post(
        f"/admin/meetings/meeting/{meeting.id}/edit", data=_form(meeting, **changes)
    )
    assert response.status_code == 302
    return response


def _cancel(client, meeting_id: int, reason: str = "The delegation cannot travel."):
    return client.post(f"/admin/meetings/meeting/{meeting_id}/cancel", data={"reason": reason})


def _outbox_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))


def _event(message, method: str):
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == method
    cal = Calendar.from_ical(part.get_content())
    assert str(cal["METHOD"]) == method
    (event,) = cal.walk("VEVENT")
    return event


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _meeting(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


# --- updates ----------------------------------------------------------------------------


def test_a_new_date_sends_each_invited_delegate_an_update_in_their_language(
    invited, logged_in, smtp
):
    _edit(logged_in, invited, start_date="2030-03-13")
    smtp.wait_for(4)
    anna_update, john_update = smtp.to(ANNA)[1], smtp.to(JOHN)[1]
    assert anna_update["Subject"] == "Ändrat möte: Möte i Chicago"
    assert john_update["Subject"] == "Meeting changed: Meeting in Chicago"
    assert "Tid: var tisdag 12 mars 2030 09:30–17:00" in _text(anna_update)
    assert "now Wednesday, March 13, 2030 09:30–17:00" in _text(john_update)
    event = _event(john_update, "REQUEST")
    assert str(event["UID"]) == meeting_uid(invited)
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt == datetime(2030, 3, 13, 14, 30, tzinfo=UTC)
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_delegate_never_invited_gets_no_update(invited, logged_in, smtp):
    _edit(logged_in, invited, start_date="2030-03-13")
    smtp.wait_for(4)
    assert smtp.to(BOB) == []
    assert _outbox_count() == 4


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"venue": "Navy Pier"}, "Venue: was City Hall, now Navy Pier"),
        ({"end_time": "18:00"}, "now Tuesday, March 12, 2030 09:30–18:00"),
        ({"timezone": "America/New_York"}, "Time zone: was America/Chicago, now America/New_York"),
    ],
    ids=["venue", "duration", "time-zone"],
)
def test_a_new_venue_duration_or_time_zone_sends_an_update_saying_what_changed(
    invited, logged_in, smtp, changes, said
):
    _edit(logged_in, invited, **changes)
    smtp.wait_for(4)
    update = smtp.to(JOHN)[1]
    assert said in _text(update)
    assert _event(update, "REQUEST")["SEQUENCE"] == 1


def test_editing_only_the_agenda_sends_nothing(invited, logged_in, smtp):
    _edit(logged_in, invited, agenda="1. Welcome\n2. Lunch")
    assert _outbox_count() == 2
    assert len(smtp.messages) == 2
    assert _meeting(invited.id).sequence == 0


def test_saving_the_same_new_values_twice_sends_the_update_once(invited, logged_in, smtp):
    _edit(logged_in, invited, venue="Navy Pier")
    _edit(logged_in, invited, venue="Navy Pier")
    smtp.wait_for(4)
    assert _outbox_count() == 4
    assert len(smtp.to(JOHN)) == 2
    assert _meeting(invited.id).sequence == 1


def test_inviting_again_after_an_update_mails_nobody_twice(invited, logged_in, smtp):
    _edit(logged_in, invited, venue="Navy Pier")
    logged_in.post(f"/admin/meetings/meeting/{invited.id}/invite")
    smtp.wait_for(5)
    assert len(smtp.to(JOHN)) == 2
    (bob,) = smtp.to(BOB)
    assert bob["Subject"] == "Invitation: Meeting in Chicago"
    assert _event(bob, "REQUEST")["SEQUENCE"] == 1


# --- cancelling -------------------------------------------------------------------------


def test_cancelling_sends_each_invited_delegate_a_cancel_with_the_reason(invited, logged_in, smtp):
    response = _cancel(logged_in, invited.id)
    assert response.status_code == 302
    smtp.wait_for(4)
    anna_cancel, john_cancel = smtp.to(ANNA)[1], smtp.to(JOHN)[1]
    assert anna_cancel["Subject"] == "Inställt möte: Möte i Chicago"
    assert john_cancel["Subject"] == "Meeting cancelled: Meeting in Chicago"
    assert "The delegation cannot travel." in _text(john_cancel)
    event = _event(john_cancel, "CANCEL")
    assert str(event["UID"]) == meeting_uid(invited)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert smtp.to(BOB) == []


def test_a_cancelled_meeting_leaves_the_list_and_its_page_says_why(invited, logged_in, smtp):
    assert "Meeting in Chicago" in logged_in.get("/meetings/?lang=en").get_data(as_text=True)
    _cancel(logged_in, invited.id)
    assert "Meeting in Chicago" not in logged_in.get("/meetings/?lang=en").get_data(as_text=True)
    page = logged_in.get(f"/meetings/m{invited.id}?lang=en").get_data(as_text=True)
    assert "This meeting has been cancelled." in page
    assert "The delegation cannot travel." in page
    assert calendar_events() == []


def test_cancelling_is_recorded_in_the_audit_log(invited, logged_in, smtp):
    _cancel(logged_in, invited.id)
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.summary.like("Meeting cancelled%"))
    ).one()
    assert entry.object_id == str(invited.id)
    assert "cancel_reason" in entry.changed_fields


def test_cancelling_without_a_reason_is_refused_and_nothing_is_sent(invited, logged_in, smtp):
    response = _cancel(logged_in, invited.id, reason="  ")
    assert response.status_code == 422
    assert "Ange varför mötet ställs in." in response.get_data(as_text=True)
    assert not _meeting(invited.id).cancelled
    assert _outbox_count() == 2


def test_cancelling_a_cancelled_meeting_again_is_refused(invited, logged_in, smtp):
    _cancel(logged_in, invited.id)
    response = _cancel(logged_in, invited.id, reason="Again")
    assert response.status_code == 422
    assert "Mötet är redan inställt." in response.get_data(as_text=True)
    assert _meeting(invited.id).cancel_reason == "The delegation cannot travel."
    assert _outbox_count() == 4


def test_cancelling_an_unknown_meeting_answers_not_found(logged_in):
    assert _cancel(logged_in, 999999).status_code == 404
    assert logged_in.get("/admin/meetings/meeting/999999/cancel").status_code == 404


def test_a_cancelled_meeting_can_no_longer_be_edited(invited, logged_in, smtp):
    _cancel(logged_in, invited.id)
    response = logged_in.post(
        f"/admin/meetings/meeting/{invited.id}/edit", data=_form(invited, venue="Elsewhere")
    )
    assert response.status_code == 302
    follow = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mötet är inställt och kan inte längre ändras." in follow
    assert _meeting(invited.id).venue == "City Hall"
    assert _outbox_count() == 4


def test_the_cancel_page_is_in_swedish(invited, logged_in):
    page = logged_in.get(f"/admin/meetings/meeting/{invited.id}/cancel?lang=sv")
    assert "Skäl till att mötet ställs in" in page.get_data(as_text=True)


# --- removing a delegate ----------------------------------------------------------------


def _remove(client, meeting: Meeting, email: str):
    delegate = db.session.scalar(
        sa.select(Delegate).where(Delegate.meeting_id == meeting.id, Delegate.email == email)
    )
    return client.post(f"/admin/meetings/meeting/{meeting.id}/delegates/{delegate.id}/delete")


def test_removing_an_invited_delegate_sends_them_a_cancel(invited, logged_in, smtp):
    assert _remove(logged_in, invited, ANNA).status_code == 302
    smtp.wait_for(3)
    removal = smtp.to(ANNA)[1]
    assert removal["Subject"] == "Inte längre inbjuden: Möte i Chicago"
    event = _event(removal, "CANCEL")
    assert str(event["UID"]) == meeting_uid(invited)
    assert event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CANCELLED"  # RFC 5546: the event is off for Anna
    assert [str(a) for a in [event["ATTENDEE"]]] == [f"mailto:{ANNA}"]
    assert len(smtp.to(JOHN)) == 1


def test_removing_a_delegate_never_invited_sends_nothing(invited, logged_in, smtp):
    assert _remove(logged_in, invited, BOB).status_code == 302
    assert _outbox_count() == 2
    assert len(smtp.messages) == 2


def test_the_html_part_of_an_update_escapes_what_the_coordinator_typed(invited, logged_in, smtp):
    _edit(logged_in, invited, venue="<b>Navy Pier</b>")
    smtp.wait_for(4)
    html = smtp.to(JOHN)[1].get_body(("html",)).get_content()
    assert "&lt;b&gt;Navy Pier&lt;/b&gt;" in html
    assert "<b>" not in html


def test_a_delegate_cannot_be_added_to_a_cancelled_meeting(invited, logged_in, smtp):
    _cancel(logged_in, invited.id)
    response = logged_in.post(
        f"/admin/meetings/meeting/{invited.id}/delegates",
        data={"name": "Eva Lund", "email": "eva@example.org", "language": "sv"},
    )
    assert response.status_code == 422
    assert "Mötet är inställt och kan inte längre ändras." in response.get_data(as_text=True)
    assert len(_meeting(invited.id).delegates) == 3


def test_inviting_to_a_cancelled_meeting_mails_nobody(invited, logged_in, smtp):
    _cancel(logged_in, invited.id)
    response = logged_in.post(f"/admin/meetings/meeting/{invited.id}/invite", follow_redirects=True)
    assert "Mötet är inställt: ingen bjuds in." in response.get_data(as_text=True)
    assert smtp.to(BOB) == []
    assert _outbox_count() == 4
