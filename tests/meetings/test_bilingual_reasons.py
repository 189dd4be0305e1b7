"""Reasons for moves, swaps and cancellations in both languages: each reader gets theirs,
else the other one, on the public pages, in the feeds' DESCRIPTION and in the mail."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from app.extensions import db
from app.meetings import services
from app.meetings.occurrences import series_occurrences
from tests.meetings.factories import make_meeting, make_series
from tests.meetings.test_routes import rotation


def _descriptions(client, lang: str) -> str:
    feed = Calendar.from_ical(client.get(f"/calendar/meetings.ics?lang={lang}").data)
    return "\n".join(str(e.get("DESCRIPTION", "")) for e in feed.walk("VEVENT"))


def test_a_move_reason_is_shown_and_fed_in_the_readers_language(logged_in, client, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    key = series_occurrences(series, through=date(2050, 1, 1))[0].key
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/move",
        data={
            "occurrence": key,
            "new_date": "2040-06-12",
            "reason": "Midsommarfirandet",
            "reason_en": "The midsummer celebrations",
        },
    )
    assert response.status_code == 302
    english = client.get("/meetings/?lang=en").text
    swedish = client.get("/meetings/?lang=sv").text
    assert "The midsummer celebrations" in english and "Midsommarfirandet" not in english
    assert "Midsommarfirandet" in swedish and "The midsummer celebrations" not in swedish
    assert "Reason: The midsummer celebrations" in _descriptions(client, "en")
    assert "Skäl: Midsommarfirandet" in _descriptions(client, "sv")


def test_a_swap_reason_given_in_swedish_only_is_shown_to_english_readers_too(
    logged_in, client, nordic
):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    occ = series_occurrences(series, through=date(2050, 1, 1))
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/swap",
        data={"occurrence": occ[0].key, "other": occ[1].key, "reason": "Bergens jubileum"},
    )
    assert response.status_code == 302
    page = client.get(f"/meetings/s{series.id}?lang=en").text
    assert "Hosts swapped: Bergens jubileum" in page
    assert "Hosts swapped: Bergens jubileum" in _descriptions(client, "en")


def test_a_cancelled_meeting_gives_each_reader_and_delegate_their_language(
    logged_in, client, nordic, smtp
):
    meeting = make_meeting(nordic["aarhus"], start_date=date(2040, 3, 12))
    services.add_delegate(meeting, name="John Doe", email="john@example.org", language="en")
    services.add_delegate(meeting, name="Anna Berg", email="anna@example.org", language="sv")
    db.session.commit()
    assert logged_in.post(f"/admin/meetings/meeting/{meeting.id}/invite").status_code == 302
    response = logged_in.post(
        f"/admin/meetings/meeting/{meeting.id}/cancel",
        data={
            "reason": "Delegationen kan inte resa.",
            "reason_en": "The delegation cannot travel.",
        },
    )
    assert response.status_code == 302
    assert "The delegation cannot travel." in client.get(f"/meetings/m{meeting.id}?lang=en").text
    assert "Delegationen kan inte resa." in client.get(f"/meetings/m{meeting.id}?lang=sv").text
    smtp.wait_for(4)
    john = smtp.to("john@example.org")[-1].get_body(("plain",)).get_content()
    anna = smtp.to("anna@example.org")[-1].get_body(("plain",)).get_content()
    assert "Reason: The delegation cannot travel." in john
    assert "Skäl: Delegationen kan inte resa." in anna


def _planned(series) -> list[tuple[str, object, object]]:
    db.session.expire_all()
    return [
        (o.key, o.start, o.host.id if o.host else None)
        for o in series_occurrences(series, through=date(2050, 1, 1))
    ]


def test_a_move_to_a_host_not_on_the_list_is_refused_and_changes_nothing(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    before = _planned(series)
    key = before[0][0]
    for host, lang, said in (
        ("999", "en", "Choose the new host from the list"),
        ("abc", "sv", "Välj den nya värden i listan"),
    ):
        response = logged_in.post(
            f"/admin/meetings/series/{series.id}/move?lang={lang}",
            data={"occurrence": key, "new_date": "2040-06-12", "host": host, "reason": "x"},
        )
        assert response.status_code == 422
        assert said in response.text
        assert _planned(series) == before
    # Leaving the host as planned still moves the meeting.
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/move",
        data={"occurrence": key, "new_date": "2040-06-12", "host": "", "reason": "x"},
    )
    assert response.status_code == 302
    assert _planned(series)[0][2] == before[0][2] and _planned(series)[0][1] != before[0][1]


def test_a_swap_with_a_meeting_not_on_the_list_is_refused_and_changes_nothing(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    before = _planned(series)
    for other, lang, said in (
        ("999", "en", "Choose the meeting to swap with from the list"),
        ("abc", "sv", "Välj i listan vilket möte värden ska bytas med"),
    ):
        response = logged_in.post(
            f"/admin/meetings/series/{series.id}/swap?lang={lang}",
            data={"occurrence": before[0][0], "other": other, "reason": "Jubileum"},
        )
        assert response.status_code == 422
        assert said in response.text
        assert _planned(series) == before
