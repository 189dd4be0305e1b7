"""Replies and reinstating for one-off meetings, through the mailed links and the pages."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from icalendar import Calendar

from app.extensions import db
from app.meetings import replies, services
from app.meetings.links import meeting_uid
from tests.factories import make_partner
from tests.meetings.factories import make_meeting

ANNA, JOHN = "anna@example.org", "john@example.org"


def _invited(logged_in, smtp):
    lyon = make_partner("Lyon", country="FR", timezone="Europe/Paris")
    meeting = make_meeting(lyon, title_sv="Möte i Lyon", title_en="Meeting in Lyon")
    services.add_delegate(meeting, name="Anna Berg", email=ANNA, language="sv")
    services.add_delegate(meeting, name="John Doe", email=JOHN, language="en")
    db.session.commit()
    assert logged_in.post(f"/admin/meetings/meeting/{meeting.id}/invite").status_code == 302
    smtp.wait_for(2)
    return meeting


def _link(message, answer: str) -> str:
    text = message.get_body(("plain",)).get_content()
    (url,) = re.findall(rf"\S+/meetings/replies/\S+\?answer={answer}", text)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _event(message, method: str):
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert part.get_param("method") == method
    return event


def test_one_off_delegates_reply_and_the_meeting_page_counts_them(logged_in, client, smtp):
    meeting = _invited(logged_in, smtp)
    john = smtp.to(JOHN)[0]
    assert "Yes, I will attend:" in john.get_body(("plain",)).get_content()
    assert client.post(_link(john, "declined"), data={"answer": "declined"}).status_code == 302
    page = logged_in.get(f"/admin/meetings/meeting/{meeting.id}").text
    assert 'data-accepted="0" data-declined="1" data-no-answer="1"' in page


def test_an_answer_that_is_neither_is_refused(logged_in, client, smtp):
    _invited(logged_in, smtp)
    link = _link(smtp.to(JOHN)[0], "accepted")
    assert client.post(link, data={"answer": "maybe"}).status_code == 422


def test_a_link_after_the_meeting_started_says_so(logged_in, client, smtp, monkeypatch):
    meeting = _invited(logged_in, smtp)
    link = _link(smtp.to(ANNA)[0], "accepted")
    later = meeting.starts_at + timedelta(minutes=1)
    monkeypatch.setattr(replies, "utcnow", lambda: later)
    response = client.post(link, data={"answer": "accepted"})
    assert response.status_code == 409
    assert "Mötet har börjat" in response.text


def test_reinstating_a_cancelled_meeting_sends_a_higher_request(logged_in, client, smtp):
    meeting = _invited(logged_in, smtp)
    first = _event(smtp.to(ANNA)[0], "REQUEST")["SEQUENCE"]
    logged_in.post(f"/admin/meetings/meeting/{meeting.id}/cancel", data={"reason": "Strike"})
    smtp.wait_for(4)
    cancel = _event(smtp.to(ANNA)[-1], "CANCEL")["SEQUENCE"]
    link = _link(smtp.to(ANNA)[0], "accepted")
    assert client.get(link).status_code == 410
    assert logged_in.post(f"/admin/meetings/meeting/{meeting.id}/reinstate").status_code == 302
    smtp.wait_for(6)
    again = _event(smtp.to(ANNA)[-1], "REQUEST")
    assert again["SEQUENCE"] > cancel > first
    assert "blir av ändå" in smtp.to(ANNA)[-1].get_body(("plain",)).get_content()
    assert client.get(link).status_code == 200
    assert meeting_uid(meeting).encode() in client.get("/calendar.ics").data


def test_reinstating_a_meeting_not_cancelled_is_refused(logged_in, smtp):
    meeting = _invited(logged_in, smtp)
    response = logged_in.post(f"/admin/meetings/meeting/{meeting.id}/reinstate")
    assert response.status_code == 422
