"""Meeting pages: the public list and pages, and the coordinators' workspace."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.extensions import db
from app.meetings import services
from app.meetings.models import Delegate, Meeting, MeetingSeries, OccurrenceChange
from app.meetings.occurrences import series_occurrences
from tests.meetings.factories import make_meeting, make_series

HOSTS = ("goteborg", "aarhus", "turku", "bergen")


def rotation(nordic):
    return [nordic[s] for s in HOSTS]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def series_form(nordic, **fields) -> dict:
    data = {
        "title_sv": "Nordiskt möte",
        "title_en": "Nordic meeting",
        "freq": "years",
        "interval": "2",
        "first_date": "2030-06-10",
        "start_time": "10:00",
        "duration_minutes": "360",
        "timezone": "Europe/Stockholm",
        "in_host_timezone": "y",
        "published": "y",
    }
    for n, slug in enumerate(HOSTS, start=1):
        data[f"host_{n}"] = str(nordic[slug].id)
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- public ---------------------------------------------------------------------------


def test_the_meetings_page_lists_upcoming_meetings_with_host_and_zone(client, nordic):
    make_series(rotation(nordic), first_date=date(2040, 6, 10), in_host_timezone=True)
    make_meeting(
        nordic["aarhus"],
        title_en="Shanghai visit",
        timezone="Asia/Shanghai",
        start_date=date(2040, 1, 8),
    )
    page = client.get("/meetings/?lang=en").get_data(as_text=True)
    assert "Nordic twin town meeting" in page and "Shanghai visit" in page
    assert "Sunday, January 8, 2040 09:30" in page and "Asia/Shanghai" in page
    # The home city's time beside a meeting held elsewhere: 09:30 in Shanghai is 02:30 here.
    assert "Göteborg time: Sunday, January 8, 2040 02:30" in page
    assert page.index("Shanghai visit") < page.index("Nordic twin town meeting")


def test_a_meeting_at_home_does_not_repeat_the_home_time(client, nordic):
    make_series(rotation(nordic), first_date=date(2040, 6, 10), count=1)
    page = client.get("/meetings/?lang=en").get_data(as_text=True)
    assert "Europe/Stockholm, CEST" in page
    assert "Göteborg time:" not in page


def test_the_meetings_page_is_in_swedish_by_default(client, nordic):
    make_series(rotation(nordic), first_date=date(2040, 6, 10), count=1)
    page = client.get("/meetings/").get_data(as_text=True)
    assert "Nordiskt vänortsmöte" in page and "juni 2040" in page


def test_unpublished_meetings_are_not_shown(client, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10), published=False)
    meeting = make_meeting(nordic["aarhus"], start_date=date(2040, 1, 8), published=False)
    assert "Nordiskt" not in client.get("/meetings/").get_data(as_text=True)
    assert client.get(f"/meetings/s{series.id}").status_code == 404
    assert client.get(f"/meetings/m{meeting.id}").status_code == 404


def test_a_series_page_shows_each_meeting_its_host_and_changes(client, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    occ = series_occurrences(series, through=date(2050, 1, 1))
    services.swap_hosts(series, occ[1].key, occ[2].key, reason="Åbo 800 years")
    services.cancel_occurrence(series, occ[3].key, reason="Budget cuts")
    db.session.commit()
    page = client.get(f"/meetings/s{series.id}?lang=en").get_data(as_text=True)
    assert f'id="o{occ[0].key}"' in page
    assert "Hosts swapped: Åbo 800 years" in page
    assert "Cancelled: Budget cuts" in page
    assert "Europe/Helsinki" in page


def test_a_one_off_meeting_page_shows_its_time_in_its_zone(client, nordic):
    from tests.factories import make_partner

    chicago = make_partner("Chicago", country="US", timezone="America/Chicago")
    meeting = make_meeting(
        chicago, start_date=date(2040, 1, 8), start_time=time(10, 0), end_time=time(12, 0)
    )
    page = client.get(f"/meetings/m{meeting.id}?lang=en").get_data(as_text=True)
    assert "Sunday, January 8, 2040 10:00" in page and "America/Chicago, CST" in page
    assert "Göteborg time: Sunday, January 8, 2040 17:00" in page


@pytest.mark.parametrize("public_id", ["x1", "s", "m999", "s999", "1"])
def test_an_unknown_meeting_is_404(client, nordic, public_id):
    assert client.get(f"/meetings/{public_id}").status_code == 404


def test_the_meetings_page_makes_the_same_number_of_queries_whatever_the_data(client, nordic):
    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/meetings/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    make_series(rotation(nordic), first_date=date(2040, 6, 10))
    make_meeting(nordic["aarhus"], start_date=date(2040, 1, 8))
    few = statements()
    for n in range(4):
        make_series(rotation(nordic)[n:], first_date=date(2041, 6, 10), title_en=f"S{n}")
        make_meeting(nordic["bergen"], start_date=date(2040, 2, 8 + n))
    assert statements() == few


# --- workspace ------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, nordic):
    response = client.get("/admin/meetings/series/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/admin/meetings/series/new", data=series_form(nordic))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(MeetingSeries) == 0


def test_a_coordinator_creates_a_series(logged_in, nordic):
    assert logged_in.get("/admin/meetings/series/new").status_code == 200
    response = logged_in.post("/admin/meetings/series/new", data=series_form(nordic))
    assert response.status_code == 302
    series = db.session.scalar(sa.select(MeetingSeries))
    assert [p.slug for p in series.rotation] == list(HOSTS)
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nordiskt möte" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({f"host_{n}": "" for n in range(1, 5)}, "Choose at least one host for the rotation."),
        ({"interval": "0"}, "The interval must be at least 1."),
        ({"until_date": "2029-01-01"}, "The end date cannot be before the first date."),
        ({"timezone": "Europe/Gothenburg"}, "Unknown time zone Europe/Gothenburg."),
        ({"duration_minutes": "0"}, "The duration must be more than zero minutes."),
        ({"duration_minutes": str(30 * 24 * 60 + 1)}, "A meeting may last at most 30 days."),
        ({"interval": "two"}, "Enter a whole number, such as 4."),
        ({"host_2": "", "host_3": str(0)}, "Choose hosts from the list of partners."),
    ],
)
def test_a_bad_series_form_is_shown_again_with_a_message(logged_in, nordic, fields, message):
    response = logged_in.post(
        "/admin/meetings/series/new?lang=en", data=series_form(nordic, **fields)
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'role="alert"' in page
    assert count(MeetingSeries) == 0


def test_a_bad_series_form_speaks_swedish_to_a_swedish_coordinator(logged_in, nordic):
    response = logged_in.post("/admin/meetings/series/new", data=series_form(nordic, interval="0"))
    assert response.status_code == 422
    assert "Intervallet måste vara minst 1." in response.get_data(as_text=True)


def test_a_coordinator_edits_a_series(logged_in, nordic):
    series = make_series(rotation(nordic))
    page = logged_in.get(f"/admin/meetings/series/{series.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{nordic["bergen"].id}">' in page
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/edit",
        data=series_form(
            nordic,
            title_en="Nordic summit",
            host_1=str(nordic["bergen"].id),
            host_4=str(nordic["goteborg"].id),
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    series = db.session.get(MeetingSeries, series.id)
    assert series.title_en == "Nordic summit"
    assert [p.slug for p in series.rotation] == ["bergen", "aarhus", "turku", "goteborg"]


def _first_key(series) -> str:
    return series_occurrences(series, through=date(2050, 1, 1))[0].key


def test_a_coordinator_moves_an_occurrence_and_the_public_page_shows_it(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    key = _first_key(series)
    form = logged_in.get(f"/admin/meetings/series/{series.id}/move?occurrence={key}")
    assert f'<option selected value="{key}">' in form.get_data(as_text=True)
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/move",
        data={
            "occurrence": key,
            "new_date": "2040-06-12",
            "new_time": "13:30",
            "venue": "Frihamnen",
            "reason": "Cup",
        },
    )
    assert response.status_code == 302
    page = logged_in.get("/meetings/?lang=en").get_data(as_text=True)
    assert "Tuesday, June 12, 2040 13:30" in page and "Frihamnen" in page and "Moved" in page
    assert f"#o{key}" in page  # the same occurrence, still named by its original start


def test_moving_an_occurrence_the_series_does_not_have_is_refused(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/move?lang=en",
        data={"occurrence": "20410610T080000Z", "new_date": "2041-06-12"},
    )
    assert response.status_code == 422
    assert "This series has no meeting at that time." in response.get_data(as_text=True)
    assert count(OccurrenceChange) == 0


def test_moving_to_an_unknown_zone_is_refused(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/move?lang=en",
        data={"occurrence": _first_key(series), "new_timezone": "Moon/Base"},
    )
    assert response.status_code == 422
    assert "Unknown time zone Moon/Base." in response.get_data(as_text=True)
    assert count(OccurrenceChange) == 0


def test_a_coordinator_cancels_an_occurrence(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10), count=2)
    key = _first_key(series)
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/cancel", data={"occurrence": key, "reason": "Storm"}
    )
    assert response.status_code == 302
    page = logged_in.get("/meetings/").get_data(as_text=True)
    assert f"#o{key}" not in page
    assert "2042" in page


def test_a_coordinator_swaps_hosts_with_a_reason(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    occ = series_occurrences(series, through=date(2050, 1, 1))
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/swap",
        data={"occurrence": occ[0].key, "other": occ[3].key, "reason": "Bergen jubilee"},
    )
    assert response.status_code == 302
    after = series_occurrences(series, through=date(2050, 1, 1))
    assert after[0].host.slug == "bergen" and after[3].host.slug == "goteborg"


def test_a_swap_without_a_reason_is_refused(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10))
    occ = series_occurrences(series, through=date(2050, 1, 1))
    response = logged_in.post(
        f"/admin/meetings/series/{series.id}/swap?lang=en",
        data={"occurrence": occ[0].key, "other": occ[1].key, "reason": ""},
    )
    assert response.status_code == 422
    assert "Say why the hosts are swapped." in response.get_data(as_text=True)
    assert count(OccurrenceChange) == 0


def test_a_coordinator_publishes_and_withdraws(logged_in, nordic):
    series = make_series(rotation(nordic), first_date=date(2040, 6, 10), published=False)
    logged_in.post(f"/admin/meetings/series/{series.id}/publish", data={"published": "1"})
    assert logged_in.get(f"/meetings/s{series.id}").status_code == 200
    meeting = make_meeting(nordic["aarhus"], published=True)
    logged_in.post(f"/admin/meetings/meeting/{meeting.id}/publish", data={"published": "0"})
    assert logged_in.get(f"/meetings/m{meeting.id}").status_code == 404


def meeting_form(partner, **fields) -> dict:
    data = {
        "title_sv": "Besök från Chicago",
        "title_en": "Visit from Chicago",
        "partner_id": str(partner.id),
        "venue": "Rådhuset",
        "timezone": "America/Chicago",
        "start_date": "2040-03-12",
        "start_time": "10:00",
        "end_time": "12:00",
        "published": "y",
    }
    data.update(fields)
    return data


def test_a_coordinator_creates_a_one_off_meeting(logged_in, nordic):
    response = logged_in.post("/admin/meetings/new", data=meeting_form(nordic["aarhus"]))
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert meeting.timezone == "America/Chicago"
    assert meeting.starts_at.isoformat() == "2040-03-12T15:00:00+00:00"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"timezone": "Chicago"}, "Unknown time zone Chicago."),
        ({"end_time": "10:00"}, "The meeting must end after it starts."),
        ({"end_date": "2040-04-12"}, "A meeting may last at most 30 days."),
        ({"partner_id": ""}, "Choose a partner or network."),
        ({"start_date": "not a date"}, "Not a valid date value."),
        ({"start_date": ""}, "Give the start date."),
    ],
)
def test_a_bad_meeting_form_is_shown_again_with_a_message(logged_in, nordic, fields, message):
    response = logged_in.post(
        "/admin/meetings/new?lang=en", data=meeting_form(nordic["aarhus"], **fields)
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Meeting) == 0


def test_editing_a_meetings_time_raises_its_sequence(logged_in, nordic):
    meeting = make_meeting(nordic["aarhus"])
    page = logged_in.get(f"/admin/meetings/meeting/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="09:30"' in page
    response = logged_in.post(
        f"/admin/meetings/meeting/{meeting.id}/edit",
        data=meeting_form(
            nordic["aarhus"], timezone="Europe/Copenhagen", start_time="11:00", end_time="13:00"
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).sequence == 1


def test_a_coordinator_adds_and_removes_delegates(logged_in, nordic):
    meeting = make_meeting(nordic["aarhus"])
    url = f"/admin/meetings/meeting/{meeting.id}/delegates"
    data = {
        "name": "Mayor's office",
        "email": "mayor@example.org",
        "language": "en",
        "city": "Aarhus",
    }
    assert logged_in.post(url, data=data).status_code == 302
    again = logged_in.post(url + "?lang=en", data=data)
    assert again.status_code == 422
    assert "This delegate is already on the list." in again.get_data(as_text=True)
    missing = logged_in.post(url + "?lang=en", data={"name": "", "email": "x@example.org"})
    assert missing.status_code == 422 and "Give the delegate's name." in missing.get_data(
        as_text=True
    )
    delegate = db.session.scalar(sa.select(Delegate))
    logged_in.post(f"{url}/{delegate.id}/delete")
    assert count(Delegate) == 0


def test_the_workspace_lists_series_and_meetings(logged_in, nordic):
    make_series(rotation(nordic))
    make_meeting(nordic["aarhus"], title_sv="Besök från Århus")
    page = logged_in.get("/admin/meetings/").get_data(as_text=True)
    assert "Nordiskt vänortsmöte" in page and "Besök från Århus" in page
    assert re.search(r"<h1>Möten</h1>", page)


def test_a_meeting_beyond_the_list_can_still_be_moved_and_is_not_mixed_up(logged_in, nordic):
    series = make_series(rotation(nordic), freq="months", interval=1, first_date=date(2040, 1, 10))
    far = series_occurrences(series, through=date(2045, 1, 1))[30]
    url = f"/admin/meetings/series/{series.id}/move"
    page = logged_in.get(f"{url}?occurrence={far.key}").get_data(as_text=True)
    assert f'<option selected value="{far.key}">' in page
    response = logged_in.post(url, data={"occurrence": far.key, "venue": "Liseberg"})
    assert response.status_code == 302
    (change,) = db.session.scalars(sa.select(OccurrenceChange)).all()
    assert change.original_start == far.occurrence.original_start


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"interval": "1000000000000"}, "Intervallet kan vara högst 100."),
        ({"count": "0"}, "Antalet möten måste vara mellan 1 och 1000."),
        ({"title_sv": "x" * 201}, "Använd högst 200 tecken."),
        ({"timezone": "Europe/" + "x" * 80}, "Okänd tidszon"),
    ],
)
def test_out_of_range_series_input_is_refused_in_swedish(logged_in, nordic, fields, message):
    response = logged_in.post("/admin/meetings/series/new", data=series_form(nordic, **fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(MeetingSeries) == 0


def test_publishing_never_redirects_to_another_site(logged_in, nordic):
    meeting = make_meeting(nordic["aarhus"], published=False)
    response = logged_in.post(
        f"/admin/meetings/meeting/{meeting.id}/publish",
        data={"published": "1", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/meetings/"


def test_a_non_ascii_digit_in_a_meeting_id_is_a_404(client):
    assert client.get("/meetings/s%C2%B2").status_code == 404


@pytest.mark.parametrize(
    "email", ["a@b.example, victim@example.org", "anna@", "two words@example.org"]
)
def test_a_delegate_address_must_be_one_valid_address(logged_in, nordic, email):
    meeting = make_meeting(nordic["aarhus"])
    response = logged_in.post(
        f"/admin/meetings/meeting/{meeting.id}/delegates?lang=en",
        data={"name": "Office", "email": email, "language": "en"},
    )
    assert response.status_code == 422
    assert "Give one valid e-mail address" in response.get_data(as_text=True)
    assert count(Delegate) == 0


def test_a_meeting_in_the_year_9999_is_refused_on_the_form(logged_in, nordic):
    response = logged_in.post(
        "/admin/meetings/new?lang=en",
        data=meeting_form(nordic["aarhus"], start_date="9999-03-12"),
    )
    assert response.status_code == 422
    assert "Give a year between 1900 and 2200." in response.get_data(as_text=True)
