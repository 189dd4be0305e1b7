"""A series on a weekday of the month, over two days, through the workspace form, the
pages, the feed (as recurring-ical-events expands it) and the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import sqlalchemy as sa

from app.extensions import db
from app.meetings.models import MeetingSeries
from app.meetings.occurrences import series_occurrences
from app.meetings.recurrence import matches
from tests.calendar.conftest import parse
from tests.meetings.factories import make_series
from tests.meetings.test_routes import count, rotation, series_form

SECOND_TUESDAYS = [
    date(2026, 6, 9),
    date(2028, 6, 13),
    date(2030, 6, 11),
    date(2032, 6, 8),
    date(2034, 6, 13),
    date(2036, 6, 10),
    date(2038, 6, 8),
    date(2040, 6, 12),
]
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def second_tuesday_form(nordic, **fields) -> dict:
    """Every other year, the second Tuesday of June, 09:00 to 16:00 the next day, at home."""
    values = {
        "first_date": "2026-06-09",
        "by_setpos": "2",
        "by_weekday": "1",
        "start_time": "09:00",
        "days": "2",
        "end_time": "16:00",
        "duration_minutes": None,
        "in_host_timezone": None,
        "venue": "Göteborgs stadshus",
    }
    values.update(fields)
    return series_form(nordic, **values)


@pytest.fixture
def second_tuesday(logged_in, nordic):
    response = logged_in.post("/admin/meetings/series/new", data=second_tuesday_form(nordic))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(sa.select(MeetingSeries))


def _expected() -> list[tuple[datetime, datetime]]:
    """09:00 on each second Tuesday to 16:00 the Wednesday after, Stockholm time, in UTC."""
    return [
        (
            datetime.combine(d, time(9), STOCKHOLM).astimezone(UTC),
            datetime.combine(d + timedelta(days=1), time(16), STOCKHOLM).astimezone(UTC),
        )
        for d in SECOND_TUESDAYS
    ]


def test_the_app_expands_the_second_tuesday_of_june_every_other_year(second_tuesday):
    assert (second_tuesday.by_weekday, second_tuesday.by_setpos) == (1, 2)
    assert second_tuesday.duration == timedelta(hours=31)
    found = series_occurrences(second_tuesday, through=date(2040, 12, 31))
    assert [o.start.date() for o in found] == SECOND_TUESDAYS
    assert [(o.start.astimezone(UTC), o.end.astimezone(UTC)) for o in found] == _expected()


def test_the_feed_is_one_rrule_master_that_expands_to_the_same_meetings(client, second_tuesday):
    cal = parse(client.get("/calendar/meetings.ics").data)
    (master,) = cal.walk("VEVENT")
    assert dict(master["RRULE"]) == {
        "FREQ": ["YEARLY"],
        "INTERVAL": [2],
        "BYMONTH": [6],
        "BYDAY": ["2TU"],
    }
    assert master["DTSTART"].dt.date() == date(2026, 6, 9)  # a real first instance
    expanded = recurring_ical_events.of(cal).between(datetime(2026, 1, 1), datetime(2041, 1, 1))
    got = sorted((e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC)) for e in expanded)
    assert got == _expected()


def test_the_api_lists_the_same_two_day_meetings(client, second_tuesday):
    found = []
    for year in range(2026, 2041, 2):  # windows of at most two years
        events = client.get(f"/api/v1/events?from={year}-01-01&to={year + 1}-12-31").get_json()
        found += [
            (datetime.fromisoformat(e["start"]), datetime.fromisoformat(e["end"])) for e in events
        ]
    assert found == _expected()
    assert found[0][0].isoformat() == "2026-06-09T09:00:00+02:00"
    assert found[0][1].isoformat() == "2026-06-10T16:00:00+02:00"


def test_the_pages_say_the_rule_and_the_two_days_in_either_language(
    client, logged_in, second_tuesday
):
    path = f"/meetings/{second_tuesday.public_id}"
    english = client.get(f"{path}?lang=en").get_data(as_text=True)
    assert "Every other year on the second Tuesday of June" in english
    assert "2 days, from 09:00 on the first day to 16:00 on the last" in english
    assert "June 9, 2026 – June 10, 2026, 09:00</time>–<time" in english
    swedish = client.get(f"{path}?lang=sv").get_data(as_text=True)
    assert "Vartannat år den andra tisdagen i juni" in swedish
    assert "2 dagar, från 09:00 första dagen till 16:00 sista dagen" in swedish
    assert "9 juni 2026 – 10 juni 2026, 09:00</time>–<time" in swedish
    workspace = logged_in.get(f"/admin/meetings/series/{second_tuesday.id}?lang=sv")
    assert "Vartannat år den andra tisdagen i juni; 2 dagar" in workspace.get_data(as_text=True)


def test_the_edit_form_shows_the_weekday_and_the_days_and_saves_them_unchanged(
    logged_in, nordic, second_tuesday
):
    url = f"/admin/meetings/series/{second_tuesday.id}/edit"
    page = logged_in.get(url).get_data(as_text=True)
    assert '<option selected value="2">' in page and '<option selected value="1">' in page
    assert 'name="days" type="number" value="2"' in page or 'value="2" name="days"' in page
    assert 'value="16:00"' in page
    response = logged_in.post(url, data=second_tuesday_form(nordic, title_en="Nordic summit"))
    assert response.status_code == 302
    db.session.refresh(second_tuesday)
    assert second_tuesday.duration_minutes == 31 * 60 and second_tuesday.by_setpos == 2


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "en",
            "Not every February has a fifth Monday. "
            "Choose “last” to meet on the last Monday of February.",
        ),
        (
            "sv",
            "Alla år har inte en femte måndag i februari. "
            "Välj ”den sista” för att mötas den sista måndagen i februari.",
        ),
    ],
)
def test_the_fifth_monday_of_february_is_refused_in_the_users_language(
    logged_in, nordic, lang, message
):
    response = logged_in.post(
        f"/admin/meetings/series/new?lang={lang}",
        data=second_tuesday_form(
            nordic, first_date="2028-02-28", by_setpos="5", by_weekday="0", freq="years"
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'role="alert"' in page
    assert count(MeetingSeries) == 0


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "June 10, 2026 is not the second Tuesday of June, June 9, 2026 is."),
        ("sv", "10 juni 2026 är inte den andra tisdagen i juni, det är 9 juni 2026."),
    ],
)
def test_a_first_date_that_is_not_the_weekday_is_refused_naming_the_right_day(
    logged_in, nordic, lang, message
):
    response = logged_in.post(
        f"/admin/meetings/series/new?lang={lang}",
        data=second_tuesday_form(nordic, first_date="2026-06-10"),
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(MeetingSeries) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"by_weekday": ""},
        {"by_setpos": "7"},
        {"by_weekday": "x"},
        {"days": "31"},
        {"days": "1", "end_time": "08:00"},
        {"end_time": "", "duration_minutes": None},
    ],
)
def test_other_bad_weekday_or_span_input_is_a_422_and_nothing_saved(logged_in, nordic, fields):
    response = logged_in.post(
        "/admin/meetings/series/new?lang=en", data=second_tuesday_form(nordic, **fields)
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    assert count(MeetingSeries) == 0


def test_a_rotating_weekday_series_is_held_on_that_day_in_each_host_citys_zone(client, nordic):
    """The last Friday of May every year, 10:00 in the host city: one event per meeting."""
    series = make_series(
        rotation(nordic),
        interval=1,
        first_date=date(2026, 5, 29),
        by_weekday=4,
        by_setpos=-1,
        in_host_timezone=True,
        count=8,
    )
    found = series_occurrences(series)
    assert len(found) == 8
    zones = ["Europe/Stockholm", "Europe/Copenhagen", "Europe/Helsinki", "Europe/Oslo"] * 2
    for year, occ, zone in zip(range(2026, 2034), found, zones, strict=True):
        local = occ.start.astimezone(ZoneInfo(zone))
        assert (local.year, local.month, local.time()) == (year, 5, time(10))
        assert matches(local.date(), 4, -1) and occ.timezone == zone
    cal = parse(client.get("/calendar/meetings.ics").data)
    vevents = cal.walk("VEVENT")
    assert not [v for v in vevents if "RRULE" in v]
    assert sorted(v["DTSTART"].dt.astimezone(UTC) for v in vevents) == [
        o.start.astimezone(UTC) for o in found
    ]
    assert {str(v["DTSTART"].params["TZID"]) for v in vevents} == set(zones)


def test_the_database_refuses_a_weekday_rule_it_does_not_know(nordic):
    series = make_series(rotation(nordic))
    series.by_weekday, series.by_setpos = 1, 5
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
