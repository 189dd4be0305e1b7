"""A time that the clocks skip (02:30 on the last Sunday of March in Stockholm) is not
moved silently: the form comes back with a warning and a box to confirm the real time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.meetings.models import Meeting, MeetingSeries, OccurrenceChange
from app.meetings.occurrences import find_occurrence
from tests.meetings.factories import make_series
from tests.meetings.test_routes import meeting_form, rotation, series_form

CHECKBOX = 'name="confirm_gap"'


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_one_off_meeting_in_the_gap_is_held_back_until_the_coordinator_confirms(
    logged_in, nordic
):
    data = meeting_form(
        nordic["aarhus"],
        timezone="Europe/Stockholm",
        start_date="2030-03-31",
        start_time="02:30",
        end_time="05:00",
    )
    warned = logged_in.post("/admin/meetings/new", data=data)
    assert warned.status_code == 422
    assert (
        "02:30 den 31 mars 2030 finns inte i Europe/Stockholm: klockan ställs fram den natten. "
        "Mötet skulle börja 03:30." in warned.text
    )
    assert CHECKBOX in warned.text and 'id="confirm_gap-error"' in warned.text
    assert _count(Meeting) == 0
    confirmed = logged_in.post("/admin/meetings/new", data={**data, "confirm_gap": "y"})
    assert confirmed.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert meeting.starts_at.isoformat() == "2030-03-31T01:30:00+00:00"  # 03:30 summer time


def test_an_ordinary_time_shows_no_confirmation_box(logged_in, nordic):
    assert CHECKBOX not in logged_in.get("/admin/meetings/new").text
    data = meeting_form(nordic["aarhus"], timezone="Europe/Stockholm", start_date="2030-03-31")
    assert logged_in.post("/admin/meetings/new", data=data).status_code == 302


def test_a_series_with_a_meeting_in_the_gap_asks_first(logged_in, nordic):
    data = series_form(
        nordic, freq="years", interval="1", first_date="2029-03-25", start_time="02:30"
    )
    data.pop("in_host_timezone")
    warned = logged_in.post("/admin/meetings/series/new?lang=en", data=data)
    assert warned.status_code == 422
    assert "02:30 on" in warned.text and "2029 does not exist in Europe/Stockholm" in warned.text
    assert CHECKBOX in warned.text
    assert _count(MeetingSeries) == 0
    confirmed = logged_in.post("/admin/meetings/series/new", data={**data, "confirm_gap": "y"})
    assert confirmed.status_code == 302


def test_moving_an_occurrence_into_the_gap_asks_first(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10), in_host_timezone=False)
    key = find_occurrence(series, "20400610T080000Z").key
    data = {"occurrence": key, "new_date": "2040-03-25", "new_time": "02:30"}
    warned = logged_in.post(f"/admin/meetings/series/{series.id}/move", data=data)
    assert warned.status_code == 422
    assert "Mötet skulle börja 03:30" in warned.text and CHECKBOX in warned.text
    assert _count(OccurrenceChange) == 0
    confirmed = logged_in.post(
        f"/admin/meetings/series/{series.id}/move", data={**data, "confirm_gap": "y"}
    )
    assert confirmed.status_code == 302
    moved = find_occurrence(series, key)
    assert moved.start == datetime(2040, 3, 25, 1, 30, tzinfo=UTC)  # 03:30 summer time
