"""/api/v1/events: the window, meetings as occurrences, exchanges as all-day dates, caching."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.exchanges import models as m
from app.extensions import db
from app.installation import calendar_uid
from app.meetings import services as meetings
from app.meetings.occurrences import series_occurrences
from app.partners.services import home_today
from tests.exchanges.factories import make_exchange
from tests.factories import make_partner
from tests.meetings.factories import make_meeting, make_nordic_partners, make_series


def events(client, query: str = "", **headers: str) -> list[dict]:
    response = client.get(f"/api/v1/events?{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def error(client, query: str, lang: str) -> tuple[int, str]:
    response = client.get(f"/api/v1/events?{query}&lang={lang}")
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"]["status"] == response.status_code
    return response.status_code, body["error"]["message"]


@pytest.fixture
def nordic(app):
    """Göteborg, Århus, Åbo and Bergen take turns every other June from 2030, at 10:00 local."""
    partners = make_nordic_partners()
    series = make_series(list(partners.values()))
    return partners, series


# --- the window ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "english", "swedish"),
    [
        (
            "from=2030-02-01&to=2030-01-31",
            "“to” must not be before “from”.",
            "”to” får inte ligga före ”from”.",
        ),
        (
            "from=2030-01-01&to=2032-01-02",
            "“to” may be at most two years after “from”.",
            "”to” får ligga högst två år efter ”from”.",
        ),
        (
            "from=1.1.2030",
            "“from” must be a date written as YYYY-MM-DD.",
            "”from” måste vara ett datum skrivet som ÅÅÅÅ-MM-DD.",
        ),
        (
            "to=2030-02-30",
            "“to” is not a date in the calendar.",
            "”to” är inte ett datum som finns i kalendern.",
        ),
        (
            "from=1850-01-01&to=1851-01-01",
            "“from” must be a date in the years 1900 to 2200.",
            "”from” måste vara ett datum under åren 1900 till 2200.",
        ),
    ],
)
def test_a_refused_window_is_a_400_with_a_json_message_in_either_language(
    client, query, english, swedish
):
    assert error(client, query, "en") == (400, english)
    assert error(client, query, "sv") == (400, swedish)


@pytest.mark.parametrize(
    "query",
    [
        "from=0000-01-01",
        "from=10000-01-01",
        "from=２０３０-01-01",  # fullwidth digits
        "from=٢٠٣٠-01-01",  # Arabic-Indic digits
        "from=2030-01-01%00",
        "from=",
        "from=2030-01-01T00:00:00",
        "from=20300101",
        "to=2030-1-1",
        "from=2030-01-01%0A",
    ],
)
def test_odd_dates_are_a_400_never_a_500(client, query):
    assert client.get(f"/api/v1/events?{query}").status_code == 400


def test_a_window_of_exactly_two_years_and_of_one_day_are_accepted(client):
    events(client, "from=2030-01-01&to=2032-01-01")
    events(client, "from=2032-02-29&to=2034-02-28")
    events(client, "from=2030-01-01&to=2030-01-01")


def test_the_window_defaults_to_a_year_from_today(client, app):
    today = home_today()
    near = make_exchange(starts_on=today + timedelta(days=300), ends_on=today + timedelta(days=302))
    make_exchange(starts_on=today + timedelta(days=370), ends_on=today + timedelta(days=372))
    past = make_exchange(starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1))
    assert [e["uid"] for e in events(client)] == [calendar_uid("exchange", near.id)]
    later = events(client, f"from={today + timedelta(days=360)}")  # to: a year after from
    assert len(later) == 1
    assert past.id  # an exchange that ended yesterday is outside the default window


def test_unknown_query_parameters_are_ignored(client, nordic):
    assert events(client, "from=2030-01-01&to=2030-12-31&colour=red") == events(
        client, "from=2030-01-01&to=2030-12-31"
    )


# --- meetings ------------------------------------------------------------------------


def test_a_series_occurrence_has_the_right_instant_zone_host_and_recurrence_id(client, nordic):
    partners, series = nordic
    (event,) = events(client, "from=2034-01-01&to=2034-12-31&lang=en")
    # The third meeting is Åbo's: 10:00 in Helsinki (UTC+3 in summer) is 07:00 UTC.
    assert event["start"] == "2034-06-10T10:00:00+03:00"
    assert event["end"] == "2034-06-10T16:00:00+03:00"
    assert datetime.fromisoformat(event["start"]).astimezone(UTC) == datetime(
        2034, 6, 10, 7, 0, tzinfo=UTC
    )
    assert event["timezone"] == "Europe/Helsinki"
    assert event["all_day"] is False
    assert (event["kind"], event["status"]) == ("meeting", "confirmed")
    assert (event["host"], event["host_name"], event["partner"]) == ("turku", "Åbo", "turku")
    assert event["partners"] == ["aarhus", "bergen", "turku"]  # not the home municipality
    assert event["title"] == "Nordic twin town meeting"
    occurrence = series_occurrences(series, through=date(2035, 1, 1))[2]
    assert event["recurrence_id"] == occurrence.occurrence.original_start.isoformat()
    assert event["uid"] == calendar_uid("meeting-series", series.id, occurrence.key)
    assert event["url"] == f"http://planner.example.org/meetings/s{series.id}#o{occurrence.key}"


def test_a_meeting_hosted_at_home_names_no_partner(client, nordic):
    (event,) = events(client, "from=2030-01-01&to=2030-12-31")
    assert (event["host"], event["partner"]) == ("goteborg", None)
    assert event["start"] == "2030-06-10T10:00:00+02:00"
    assert event["title"] == "Nordiskt vänortsmöte"


def test_a_moved_occurrence_is_listed_at_its_new_time_with_its_original_identity(client, nordic):
    _partners, series = nordic
    before = events(client, "from=2032-01-01&to=2032-12-31")[0]
    occurrence = series_occurrences(series, through=date(2033, 1, 1))[1]
    meetings.move_occurrence(series, occurrence.key, new_date=date(2032, 6, 12), reason="Jubilee")
    db.session.commit()
    (moved,) = events(client, "from=2032-01-01&to=2032-12-31")
    assert moved["status"] == "moved"
    assert moved["start"] == "2032-06-12T10:00:00+02:00"  # Århus, Copenhagen time
    assert (moved["uid"], moved["recurrence_id"]) == (before["uid"], before["recurrence_id"])
    assert moved["recurrence_id"].startswith("2032-06-10")


def test_cancelled_and_unpublished_meetings_are_left_out(client, nordic):
    partners, series = nordic
    occurrence = series_occurrences(series, through=date(2031, 1, 1))[0]
    meetings.cancel_occurrence(series, occurrence.key, reason="No budget")
    db.session.commit()
    make_meeting(partners["bergen"], start_date=date(2030, 3, 12), published=False)
    assert events(client, "from=2030-01-01&to=2030-12-31") == []


def test_a_one_off_meeting_is_an_event_with_its_partner(client, nordic):
    partners, _series = nordic
    meeting = make_meeting(partners["bergen"], start_date=date(2030, 3, 12))
    first = events(client, "from=2030-01-01&to=2030-12-31&lang=en")[0]
    assert first["uid"] == calendar_uid("meeting", meeting.id)
    assert (first["start"], first["end"]) == (
        "2030-03-12T09:30:00+01:00",
        "2030-03-12T17:00:00+01:00",
    )
    assert (first["partner"], first["host"], first["recurrence_id"]) == ("bergen", "bergen", None)
    assert first["title"] == "Delegation visit"


# --- exchanges -----------------------------------------------------------------------


def test_an_exchange_is_all_day_with_the_exclusive_end_date_of_ical(client, app):
    exchange = make_exchange(starts_on=date(2030, 5, 4), ends_on=date(2030, 5, 10))
    (event,) = events(client, "from=2030-05-10&to=2030-05-10")  # its last day overlaps
    assert (event["start"], event["end"]) == ("2030-05-04", "2030-05-11")
    assert (event["all_day"], event["timezone"], event["kind"]) == (True, None, "exchange")
    assert event["partner"] == exchange.partner.slug
    assert event["url"] == f"http://planner.example.org/exchanges/{exchange.id}"
    assert events(client, "from=2030-05-11&to=2030-05-31") == []


def test_drafts_are_left_out_and_a_cancelled_exchange_says_so(client, app):
    make_exchange(starts_on=date(2030, 5, 4), ends_on=date(2030, 5, 10), status=m.DRAFT)
    make_exchange(starts_on=date(2030, 6, 4), ends_on=date(2030, 6, 10), status=m.CANCELLED)
    (event,) = events(client, "from=2030-01-01&to=2030-12-31")
    assert (event["start"], event["status"]) == ("2030-06-04", "cancelled")


def test_events_are_sorted_by_start_across_kinds(client, nordic):
    make_exchange(starts_on=date(2030, 6, 1), ends_on=date(2030, 6, 20))
    make_exchange(starts_on=date(2030, 6, 11), ends_on=date(2030, 6, 12))
    starts = [e["start"] for e in events(client, "from=2030-01-01&to=2030-12-31")]
    assert starts == ["2030-06-01", "2030-06-10T10:00:00+02:00", "2030-06-11"]


# --- one partner ---------------------------------------------------------------------


def test_the_partner_filter_keeps_the_events_the_partner_takes_part_in(client, nordic):
    partners, _series = nordic
    make_exchange(partners["bergen"], starts_on=date(2030, 9, 1), ends_on=date(2030, 9, 5))
    make_exchange(starts_on=date(2030, 10, 1), ends_on=date(2030, 10, 5))  # another town's
    other = make_partner("Lyon", country="FR", timezone="Europe/Paris")
    make_meeting(other, start_date=date(2030, 3, 12))
    found = events(client, "from=2030-01-01&to=2030-12-31&partner=bergen")
    assert [(e["kind"], e["start"][:10]) for e in found] == [
        ("meeting", "2030-06-10"),  # the series Bergen is in, though Göteborg hosts
        ("exchange", "2030-09-01"),
    ]
    assert len(events(client, "from=2030-01-01&to=2030-12-31")) == 4


@pytest.mark.parametrize("slug", ["nowhere", "goteborg", ""])
def test_an_unknown_partner_is_a_json_404(client, nordic, slug):
    status, message = error(client, f"partner={slug}", "en")
    assert (status, message) == (404, "There is no partner with this slug.")
    assert error(client, f"partner={slug}", "sv") == (
        404,
        "Det finns ingen partner med den beteckningen.",
    )


# --- caching -------------------------------------------------------------------------


def test_equal_answers_have_equal_etags_and_a_matching_if_none_match_gets_304(client, nordic):
    query = "from=2030-01-01&to=2031-12-31"
    first = client.get(f"/api/v1/events?{query}")
    second = client.get(f"/api/v1/events?{query}")
    etag = first.headers["ETag"]
    assert etag == second.headers["ETag"] and first.data == second.data
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept-Language" in first.headers["Vary"]
    cached = client.get(f"/api/v1/events?{query}", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.data == b""
    assert cached.headers["ETag"] == etag
    assert cached.headers["Cache-Control"] == "public, max-age=300"
    weak = client.get(f"/api/v1/events?{query}", headers={"If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304
    english = client.get(f"/api/v1/events?{query}&lang=en", headers={"If-None-Match": etag})
    assert english.status_code == 200  # another language, another body and tag


def test_a_changed_answer_gets_a_new_etag(client, nordic):
    partners, _series = nordic
    query = "from=2030-01-01&to=2031-12-31"
    etag = client.get(f"/api/v1/events?{query}").headers["ETag"]
    make_meeting(partners["bergen"], start_date=date(2030, 3, 12))
    changed = client.get(f"/api/v1/events?{query}", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_if_none_match_takes_precedence_over_if_modified_since(client, nordic):
    response = client.get(
        "/api/v1/events",
        headers={
            "If-None-Match": '"an-old-tag"',
            "If-Modified-Since": "Wed, 01 Jan 2025 00:00:00 GMT",
        },
    )
    assert response.status_code == 200
    assert response.get_json() is not None


@pytest.mark.parametrize(
    "path", ["/api/v1/partners", "/api/v1/exchanges", "/api/v1/events", "/api/v1/openapi.json"]
)
def test_every_answer_carries_cache_control_and_an_etag(client, app, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["ETag"].startswith('"') and len(response.headers["ETag"]) == 66
