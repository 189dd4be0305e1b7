"""Delegates of one occurrence of a series, through the workspace pages and real SMTP:
invitations under the feeds' UID and SEQUENCE, replies through the mailed links, updates
when the meeting moves, cancellations when it is called off or a delegate removed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app.extensions import db
from app.mail import OutboxMail
from app.meetings import services
from app.meetings.links import series_uid
from app.meetings.models import Delegate
from app.meetings.occurrences import find_occurrence, series_occurrences
from app.timeutil import utcnow
from tests.meetings.factories import make_series

ANNA, JOHN = "anna@example.org", "john@example.org"


def _event(message, method: str = "REQUEST"):
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == method
    cal = Calendar.from_ical(part.get_content())
    assert str(cal["METHOD"]) == method
    (event,) = cal.walk("VEVENT")
    return event


def _next_key(series) -> str:
    now = utcnow()
    return next(o.key for o in series_occurrences(series) if o.start > now)


def _page(series, key: str) -> str:
    return f"/admin/meetings/series/{series.id}/occurrences/{key}"


def _add(client, series, key, name, email, language="sv"):
    return client.post(
        f"{_page(series, key)}/delegates",
        data={"name": name, "email": email, "language": language, "role": "Councillor"},
    )


def _link(message, answer: str) -> str:
    text = message.get_body(("plain",)).get_content()
    (url,) = re.findall(rf"\S+/meetings/replies/\S+\?answer={answer}", text)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _outbox() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))


@pytest.fixture
def nordic_series(nordic):
    """The Nordic twin town meeting: hosts rotate, so each meeting is an event of its own."""
    return make_series([nordic["goteborg"], nordic["turku"], nordic["aarhus"], nordic["bergen"]])


@pytest.fixture
def invited(logged_in, smtp, nordic_series):
    """Anna (sv) and John (en) invited to the next Nordic meeting through the pages."""
    key = _next_key(nordic_series)
    assert _add(logged_in, nordic_series, key, "Anna Berg", ANNA).status_code == 302
    assert _add(logged_in, nordic_series, key, "John Doe", JOHN, "en").status_code == 302
    assert logged_in.post(f"{_page(nordic_series, key)}/invite").status_code == 302
    smtp.wait_for(2)
    return nordic_series, key


def test_invite_reply_and_move_the_next_nordic_meeting(invited, logged_in, client, smtp):
    series, key = invited
    (anna,) = smtp.to(ANNA)
    (john,) = smtp.to(JOHN)
    assert anna["Subject"] == "Inbjudan: Nordiskt vänortsmöte"
    assert john["Subject"] == "Invitation: Nordic twin town meeting"
    sent = _event(john)
    feed = Calendar.from_ical(client.get("/calendar.ics").data)
    (in_feed,) = [e for e in feed.walk("VEVENT") if str(e["UID"]) == str(sent["UID"])]
    assert key in str(sent["UID"])
    assert sent["SEQUENCE"] == in_feed["SEQUENCE"]
    assert sent["DTSTART"].dt == in_feed["DTSTART"].dt
    assert [str(a) for a in [sent["ATTENDEE"]]] == [f"mailto:{JOHN}"]

    # Anna accepts and John declines, each through the link in their own mail.
    page = client.get(_link(anna, "accepted"))
    assert page.status_code == 200 and 'value="accepted"' in page.text
    assert "Ja, jag kommer" in page.text  # Anna's language
    assert client.post(_link(anna, "accepted"), data={"answer": "accepted"}).status_code == 302
    assert client.post(_link(john, "declined"), data={"answer": "declined"}).status_code == 302
    workspace = logged_in.get(_page(series, key)).text
    assert 'data-accepted="1" data-declined="1" data-no-answer="0"' in workspace
    assert re.search(r'data-email="anna@example.org">.*?data-reply="accepted"', workspace, re.S)
    assert re.search(r'data-email="john@example.org">.*?data-reply="declined"', workspace, re.S)

    # Moving the meeting sends each of them the new version, at a higher SEQUENCE.
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/move",
        data={"occurrence": key, "new_time": "13:00", "reason": "Later flights"},
    )
    assert response.status_code == 302
    smtp.wait_for(4)
    for address, first in ((ANNA, anna), (JOHN, john)):
        update = smtp.to(address)[-1]
        moved = _event(update, "REQUEST")
        assert str(moved["UID"]) == str(sent["UID"])
        assert moved["SEQUENCE"] > _event(first)["SEQUENCE"]
        assert moved["DTSTART"].dt.hour == 13
    feed = Calendar.from_ical(client.get("/calendar.ics").data)
    (in_feed,) = [e for e in feed.walk("VEVENT") if str(e["UID"]) == str(sent["UID"])]
    assert in_feed["SEQUENCE"] == moved["SEQUENCE"]


def test_a_delegate_may_change_the_answer(invited, client, smtp):
    (anna,) = smtp.to(ANNA)
    client.post(_link(anna, "accepted"), data={"answer": "accepted"})
    client.post(_link(anna, "declined"), data={"answer": "declined"})
    delegate = db.session.scalar(sa.select(Delegate).where(Delegate.email == ANNA))
    db.session.refresh(delegate)
    assert delegate.reply == "declined" and delegate.replied_at is not None


def test_opening_a_reply_link_changes_nothing(invited, client, smtp):
    (anna,) = smtp.to(ANNA)
    assert client.get(_link(anna, "accepted")).status_code == 200
    delegate = db.session.scalar(sa.select(Delegate).where(Delegate.email == ANNA))
    assert delegate.reply is None


def test_a_tampered_or_foreign_link_says_so_and_records_nothing(invited, client, smtp):
    (anna,) = smtp.to(ANNA)
    path = _link(anna, "accepted").split("?")[0]
    tampered = path[:-3] + ("xyz" if not path.endswith("xyz") else "abc")
    for bad in (tampered, "/meetings/replies/not-a-token", "/meetings/replies/eyJkIjoxfQ.abc"):
        response = client.post(bad, data={"answer": "accepted"})
        assert response.status_code == 404, bad
        assert 'data-link-error="bad_link"' in response.text
    assert db.session.scalar(sa.select(Delegate).where(Delegate.email == ANNA)).reply is None


def test_a_link_signed_with_another_key_is_refused(invited, app, client, smtp):
    (anna,) = smtp.to(ANNA)
    link = _link(anna, "accepted")
    secret = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another installation"
    try:
        response = client.get(link)
    finally:
        app.config["SECRET_KEY"] = secret
    assert response.status_code == 404


def test_removing_an_invited_delegate_sends_a_cancel_and_their_link_says_so(
    invited, logged_in, client, smtp
):
    series, key = invited
    (anna,) = smtp.to(ANNA)
    delegate = db.session.scalar(sa.select(Delegate).where(Delegate.email == ANNA))
    response = logged_in.post(f"{_page(series, key)}/delegates/{delegate.id}/delete")
    assert response.status_code == 302
    smtp.wait_for(3)
    cancel = _event(smtp.to(ANNA)[-1], "CANCEL")
    assert str(cancel["UID"]) == str(_event(anna)["UID"])
    assert str(cancel["STATUS"]) == "CANCELLED"
    response = client.post(_link(anna, "accepted"), data={"answer": "accepted"})
    assert response.status_code == 410
    assert "inte längre" in response.text  # in Anna's language


def test_cancelling_the_occurrence_sends_cancels_and_reinstating_sends_requests(
    invited, logged_in, client, smtp
):
    series, key = invited
    (anna,) = smtp.to(ANNA)
    first = _event(anna)["SEQUENCE"]
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/cancel",
        data={"occurrence": key, "reason": "No budget"},
    )
    assert response.status_code == 302
    smtp.wait_for(4)
    cancel = _event(smtp.to(ANNA)[-1], "CANCEL")
    assert cancel["SEQUENCE"] > first
    assert "No budget" in smtp.to(JOHN)[-1].get_body(("plain",)).get_content()
    response = client.post(_link(anna, "accepted"), data={"answer": "accepted"})
    assert response.status_code == 410
    assert 'data-link-error="cancelled"' in response.text

    page = logged_in.get(_page(series, key)).text
    assert "Reinstate the meeting" in page or "Återinför mötet" in page
    response = logged_in.post(f"/admin/meetings/series/{series.id}/reinstate/{key}")
    assert response.status_code == 302
    smtp.wait_for(6)
    back = smtp.to(ANNA)[-1]
    again = _event(back, "REQUEST")
    assert again["SEQUENCE"] > cancel["SEQUENCE"]
    assert "will take place after all" in back.get_body(("plain",)).get_content() or (
        "blir av ändå" in back.get_body(("plain",)).get_content()
    )
    uids = {
        str(e["UID"]) for e in Calendar.from_ical(client.get("/calendar.ics").data).walk("VEVENT")
    }
    assert str(again["UID"]) in uids


def test_a_duplicate_delegate_is_refused_clearly(invited, logged_in):
    series, key = invited
    response = _add(logged_in, series, key, "Anna Again", "  ANNA@Example.org ")
    assert response.status_code == 422
    assert "Delegaten finns redan på listan." in response.text
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Delegate).where(Delegate.email == ANNA)
    )
    assert count == 1


def test_no_delegate_can_be_added_to_a_past_or_cancelled_occurrence(logged_in, nordic_series, smtp):
    series = nordic_series
    coming = [o for o in series_occurrences(series) if o.start > utcnow()]
    key = coming[1].key
    logged_in.post(f"/admin/meetings/series/{series.id}/cancel", data={"occurrence": key})
    response = _add(logged_in, series, key, "Anna Berg", ANNA)
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delegate)) == 0
    # A series that began long ago has held meetings.
    from tests.meetings.factories import make_series as again

    old = again(list(series.rotation), first_date=utcnow().date().replace(year=2010))
    past = next(o.key for o in series_occurrences(old) if o.end < utcnow())
    response = _add(logged_in, old, past, "Anna Berg", ANNA)
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delegate)) == 0
    assert _outbox() == 0


def test_an_unknown_occurrence_is_not_found(logged_in, nordic_series):
    assert logged_in.get(_page(nordic_series, "20300101T000000Z")).status_code == 404
    assert logged_in.get(_page(nordic_series, "nonsense")).status_code == 404
    assert _add(logged_in, nordic_series, "nonsense", "A", ANNA).status_code == 404


def test_a_series_in_one_place_invites_to_an_instance_of_its_feed_event(
    logged_in, client, smtp, nordic
):
    series = make_series([nordic["goteborg"]], venue="Stadshuset", interval=1)
    key = _next_key(series)
    _add(logged_in, series, key, "Anna Berg", ANNA)
    logged_in.post(f"{_page(series, key)}/invite")
    smtp.wait_for(1)
    sent = _event(smtp.to(ANNA)[0])
    assert str(sent["UID"]) == series_uid(series)
    feed = Calendar.from_ical(client.get("/calendar.ics").data)
    (master,) = [
        e for e in feed.walk("VEVENT") if str(e["UID"]) == series_uid(series) and "RRULE" in e
    ]
    assert sent["SEQUENCE"] == master["SEQUENCE"]
    assert sent["RECURRENCE-ID"].dt.strftime("%Y%m%d") == key[:8]
    logged_in.post(
        f"/admin/meetings/series/{series.id}/move", data={"occurrence": key, "new_time": "14:00"}
    )
    smtp.wait_for(2)
    moved = _event(smtp.to(ANNA)[-1])
    feed = Calendar.from_ical(client.get("/calendar.ics").data)
    (override,) = [
        e
        for e in feed.walk("VEVENT")
        if str(e["UID"]) == series_uid(series) and "RECURRENCE-ID" in e
    ]
    assert moved["RECURRENCE-ID"].dt == override["RECURRENCE-ID"].dt
    assert moved["SEQUENCE"] == override["SEQUENCE"] > sent["SEQUENCE"]


def test_reinstating_keeps_the_meetings_move_and_swap_and_tells_only_its_delegates(
    invited, logged_in, nordic_series, smtp
):
    series, key = invited
    later = [o for o in series_occurrences(series) if o.key > key]
    services.move_occurrence(series, key, venue="Stadshuset")
    services.swap_hosts(series, key, later[0].key, reason="Jubilee")
    services.cancel_occurrence(series, key, reason="Budget")
    db.session.commit()
    before = _outbox()
    answer = logged_in.post(f"/admin/meetings/series/{series.id}/reinstate/{key}")
    assert answer.status_code == 302
    occ = find_occurrence(series, key)
    assert occ is not None and occ.venue == "Stadshuset" and occ.swap_reason == "Jubilee"
    assert _outbox() == before + 2  # Anna and John, nobody else
    again = logged_in.post(f"/admin/meetings/series/{series.id}/reinstate/{key}?lang=en")
    assert again.status_code == 302
    assert _outbox() == before + 2


def test_a_series_timing_cannot_change_under_its_meetings_delegates(invited, logged_in):
    series, key = invited
    values = {
        "title_sv": series.title_sv,
        "title_en": series.title_en,
        "freq": "years",
        "interval": "2",
        "first_date": series.first_date.isoformat(),
        "start_time": "11:00",
        "duration_minutes": str(series.duration_minutes),
        "timezone": series.timezone,
        "in_host_timezone": "y",
        "published": "y",
    }
    for n, partner in enumerate(series.rotation, start=1):
        values[f"host_{n}"] = str(partner.id)
    answer = logged_in.post(f"/admin/meetings/series/{series.id}/edit?lang=en", data=values)
    assert answer.status_code == 422
    assert "would be left without their meeting" in answer.text
    assert series_occurrences(series)[0].start.astimezone(ZoneInfo(series.timezone)).hour == 10


def test_an_occurrence_key_centuries_ahead_names_no_meeting(logged_in, nordic_series):
    for key in ("99991231T000000Z", "99991230T000000Z", "21991231T000000Z"):
        page = logged_in.get(f"/admin/meetings/series/{nordic_series.id}/occurrences/{key}")
        assert page.status_code == 404
