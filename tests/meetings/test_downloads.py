"""One meeting, one occurrence or a whole series as an .ics file, and an "add to Google" link."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from app.extensions import db
from app.meetings import services
from app.meetings.calendar import calendar_events
from app.meetings.links import meeting_uid, occurrence_uid
from app.meetings.occurrences import series_occurrences
from app.timeutil import utcnow
from tests.meetings.factories import make_meeting, make_series

HOSTS = ("goteborg", "aarhus", "turku", "bergen")
TURKU_KEY = "20440610T080000Z"  # the third meeting (Åbo hosts), named by its start in Stockholm


@pytest.fixture
def series(nordic):
    return make_series([nordic[s] for s in HOSTS], first_date=date(2040, 6, 10))


def calendar_of(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    cal = icalendar.Calendar.from_ical(response.get_data())
    assert [c.errors for c in cal.walk() if getattr(c, "errors", None)] == []
    assert "METHOD" not in cal  # a file to keep, not an invitation
    return cal


def events_of(cal: icalendar.Calendar) -> list:
    return list(cal.walk("VEVENT"))


def zones_of(cal: icalendar.Calendar) -> set[str]:
    return {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}


def links_of(page: str, kind: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'<a href="([^"]+)" data-link="{kind}">', page)]


def test_a_meeting_downloads_with_its_feed_uid_its_zone_and_its_title(client, nordic):
    meeting = make_meeting(nordic["turku"], start_date=date(2040, 3, 12))
    response = client.get(f"/meetings/{meeting.public_id}.ics")
    disposition = f'attachment; filename="vanort-{meeting.public_id}.ics"'
    assert response.headers["Content-Disposition"] == disposition
    cal = calendar_of(response)
    [event] = events_of(cal)
    assert str(event["UID"]) == meeting_uid(meeting)
    assert event["DTSTART"].dt == datetime(2040, 3, 12, 9, 30, tzinfo=ZoneInfo("Europe/Helsinki"))
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert zones_of(cal) == {"Europe/Helsinki"}
    assert str(event["SUMMARY"]) == "Delegationsbesök"
    english = events_of(calendar_of(client.get(f"/meetings/{meeting.public_id}.ics?lang=en")))
    assert str(english[0]["SUMMARY"]) == "Delegation visit"


def test_an_occurrence_downloads_alone_in_its_host_zone_with_the_expanded_feed_uid(client, series):
    response = client.get(f"/meetings/{series.public_id}/{TURKU_KEY}.ics?lang=en")
    cal = calendar_of(response)
    [event] = events_of(cal)
    assert str(event["UID"]) == occurrence_uid(series, TURKU_KEY)
    feed_uids = {e.uid for e in calendar_events()}
    assert str(event["UID"]) in feed_uids
    assert event["DTSTART"].dt == datetime(2044, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert zones_of(cal) == {"Europe/Helsinki"}
    assert "RRULE" not in event and "RECURRENCE-ID" not in event
    assert str(event["SUMMARY"]) == "Nordic twin town meeting"


def test_a_moved_occurrence_downloads_at_its_new_time_under_the_same_uid(client, series, nordic):
    services.move_occurrence(series, TURKU_KEY, new_date=date(2044, 6, 12), new_time=time(13, 0))
    db.session.commit()
    response = client.get(f"/meetings/{series.public_id}/{TURKU_KEY}.ics")
    [event] = events_of(calendar_of(response))
    assert str(event["UID"]) == occurrence_uid(series, TURKU_KEY)
    assert event["DTSTART"].dt == datetime(2044, 6, 12, 13, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


def test_a_whole_series_downloads_as_the_feeds_write_it(client, series):
    """The host rotates, so each meeting is an event of its own, under the feeds' UIDs."""
    cal = calendar_of(client.get(f"/meetings/{series.public_id}.ics"))
    events = events_of(cal)
    assert not [e for e in events if "RRULE" in e]
    assert {str(e["UID"]) for e in events} == {e.uid for e in calendar_events()}
    assert {"Europe/Stockholm", "Europe/Helsinki"} <= zones_of(cal)


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/m999.ics",
        "/meetings/s999.ics",
        "/meetings/x1.ics",
        "/meetings/{s}/bogus.ics",
        "/meetings/{s}/20410610T080000Z.ics",  # no meeting of the series then
        "/meetings/{s}/99991231T235959Z.ics",
        "/meetings/{s}/00010101T000000Z.ics",
        "/meetings/{m}/20400312T073000Z.ics",  # a one-off meeting has no occurrences
    ],
)
def test_unknown_meetings_and_occurrences_are_not_found(client, series, nordic, path):
    meeting = make_meeting(nordic["aarhus"], start_date=date(2040, 3, 12))
    path = path.format(s=series.public_id, m=meeting.public_id)
    assert client.get(path).status_code == 404


def test_a_cancelled_occurrence_has_nothing_to_download(client, series):
    services.cancel_occurrence(series, TURKU_KEY, reason="Budget")
    db.session.commit()
    assert client.get(f"/meetings/{series.public_id}/{TURKU_KEY}.ics").status_code == 404


def test_unpublished_meetings_are_not_found_even_for_coordinators(logged_in, nordic):
    series = make_series([nordic[s] for s in HOSTS], first_date=date(2040, 6, 10), published=False)
    meeting = make_meeting(nordic["aarhus"], start_date=date(2040, 3, 12), published=False)
    for path in (
        f"/meetings/{meeting.public_id}.ics",
        f"/meetings/{series.public_id}.ics",
        f"/meetings/{series.public_id}/{TURKU_KEY}.ics",
    ):
        assert logged_in.get(path).status_code == 404, path


# --- the pages' links ----------------------------------------------------------------------


def test_a_meeting_page_offers_its_download_and_a_google_link(client, nordic):
    meeting = make_meeting(nordic["turku"], start_date=date(2040, 3, 12), venue="Rådhuset")
    page = client.get(f"/meetings/{meeting.public_id}?lang=en").get_data(as_text=True)
    assert links_of(page, "ics") == [f"/meetings/{meeting.public_id}.ics?lang=en"]
    [google] = links_of(page, "google-event")
    query = parse_qs(urlsplit(google).query)
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&")
    assert query["text"] == ["Delegation visit"]
    assert query["dates"] == ["20400312T073000Z/20400312T150000Z"]
    assert query["ctz"] == ["Europe/Helsinki"] and query["location"] == ["Rådhuset"]
    assert query["details"][0].endswith(f"http://planner.example.org/meetings/{meeting.public_id}")
    assert "Add to your calendar" in page


def test_a_cancelled_meeting_page_offers_nothing_to_add(client, nordic):
    meeting = make_meeting(nordic["turku"], start_date=date(2040, 3, 12))
    services.cancel_meeting(meeting, reason="Storm")
    db.session.commit()
    page = client.get(f"/meetings/{meeting.public_id}").get_data(as_text=True)
    assert links_of(page, "ics") == [] and links_of(page, "google-event") == []


def test_a_series_page_offers_the_whole_series_and_each_coming_meeting(client, nordic):
    series = make_series([nordic[s] for s in HOSTS], first_date=date(2020, 6, 10))
    page = client.get(f"/meetings/{series.public_id}").get_data(as_text=True)
    downloads = links_of(page, "ics")
    assert downloads[0] == f"/meetings/{series.public_id}.ics"
    keys = [re.search(r"/(\w+)\.ics$", d).group(1) for d in downloads[1:]]
    now = utcnow()
    assert keys == [o.key for o in series_occurrences(series) if o.end > now]  # none held yet
    assert len(links_of(page, "google-event")) == len(keys)
    assert "Ladda ner hela serien (.ics)" in page and "Lägg till i Google Kalender" in page
    row = re.search(rf'<tr id="o{keys[0]}".*?</tr>', page, re.S).group(0)
    assert f"/meetings/{series.public_id}/{keys[0]}.ics" in row
    assert client.get(downloads[1]).status_code == 200
