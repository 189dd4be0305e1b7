"""Meeting services: occurrences with hosts and zones, changes, bad input, iCal, upcoming."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import flask_babel
import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app.extensions import db
from app.feeds.ical import events_to_ical
from app.meetings import services
from app.meetings.calendar import calendar_events, master_calevents, series_calevents
from app.meetings.links import meeting_uid, occurrence_uid, series_uid
from app.meetings.models import Meeting, MeetingSeries, OccurrenceChange
from app.meetings.occurrences import series_occurrences, upcoming_occurrences
from app.meetings.services import MeetingError
from tests.meetings.factories import make_meeting, make_series, meeting_values, series_values

NOW = datetime(2029, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english(app):
    """Services speak the instance's default language outside a request: make it English."""
    app.config["DEFAULT_LANGUAGE"] = "en"
    flask_babel.refresh()


def rotation(nordic):
    return [nordic[s] for s in ("goteborg", "aarhus", "turku", "bergen")]


def _occurrences(series, years=12):
    return series_occurrences(series, through=date(2030 + years, 12, 31))


def test_hosts_take_turns_and_each_meeting_is_at_10_in_the_host_citys_zone(nordic):
    series = make_series(rotation(nordic))
    occurrences = _occurrences(series, years=8)[:5]
    assert [o.host.name for o in occurrences] == ["Göteborg", "Århus", "Åbo", "Bergen", "Göteborg"]
    assert [o.timezone for o in occurrences] == [
        "Europe/Stockholm",
        "Europe/Copenhagen",
        "Europe/Helsinki",
        "Europe/Oslo",
        "Europe/Stockholm",
    ]
    assert {o.start.astimezone(ZoneInfo(o.timezone)).hour for o in occurrences} == {10}
    # Åbo's 10:00 is an hour earlier in UTC than the others'.
    assert occurrences[2].start.astimezone(UTC).hour == 7
    assert [o.start.year for o in occurrences] == [2030, 2032, 2034, 2036, 2038]


def test_a_series_in_one_zone_holds_every_meeting_in_that_zone(nordic):
    series = make_series(rotation(nordic), in_host_timezone=False, timezone="Europe/Oslo")
    assert {o.timezone for o in _occurrences(series)} == {"Europe/Oslo"}


def test_the_zone_defaults_to_the_first_hosts_zone(nordic):
    series = make_series([nordic["bergen"], nordic["turku"]], timezone="")
    assert series.timezone == "Europe/Oslo"


def test_moving_an_occurrence_keeps_its_identity_and_changes_date_and_venue(nordic):
    series = make_series(rotation(nordic))
    keys_before = [o.key for o in _occurrences(series)]
    second = _occurrences(series)[1]
    moved = services.move_occurrence(
        series,
        second.key,
        new_date=date(2032, 9, 1),
        new_time=time(13, 0),
        venue="Aarhus Rådhus",
        reason="Folkemødet",
    )
    db.session.commit()
    assert moved.key == second.key
    assert moved.status == "moved"
    local = moved.start.astimezone(ZoneInfo("Europe/Copenhagen"))
    assert (local.date(), local.hour) == (date(2032, 9, 1), 13)
    assert moved.venue == "Aarhus Rådhus"
    assert moved.host.name == "Århus"
    assert [o.key for o in _occurrences(series)] == keys_before
    assert moved.occurrence.reason == "Folkemødet"


def test_moving_to_a_new_host_changes_the_host_of_that_meeting_only(nordic):
    series = make_series(rotation(nordic))
    first = _occurrences(series)[0]
    services.move_occurrence(series, first.key, host=nordic["bergen"], reason="renovation")
    db.session.commit()
    occurrences = _occurrences(series)
    assert [o.host.name for o in occurrences[:3]] == ["Bergen", "Århus", "Åbo"]
    assert occurrences[0].timezone == "Europe/Oslo"
    assert occurrences[0].key == first.key


def test_a_cancelled_meeting_is_gone_and_the_rotation_goes_on(nordic):
    series = make_series(rotation(nordic))
    second = _occurrences(series)[1]
    services.cancel_occurrence(series, second.key, reason="budget")
    db.session.commit()
    occurrences = _occurrences(series)
    assert second.key not in [o.key for o in occurrences]
    assert [o.host.name for o in occurrences[:3]] == ["Göteborg", "Åbo", "Bergen"]


def test_a_skipped_year_keeps_the_hosts_turn_for_the_next_meeting(nordic):
    series = make_series(rotation(nordic))
    second = _occurrences(series)[1]
    services.cancel_occurrence(series, second.key, reason="pandemic", skip=True)
    db.session.commit()
    occurrences = _occurrences(series)
    assert [o.host.name for o in occurrences[:3]] == ["Göteborg", "Århus", "Åbo"]
    removed = series_occurrences(series, through=date(2040, 1, 1), include_removed=True)
    assert [o.status for o in removed][:2] == ["confirmed", "skipped"]


def test_swapping_hosts_exchanges_two_meetings_hosts_with_the_reason(nordic):
    series = make_series(rotation(nordic))
    occurrences = _occurrences(series)
    services.swap_hosts(series, occurrences[1].key, occurrences[3].key, reason="Bergen 950 years")
    db.session.commit()
    after = _occurrences(series)
    assert [o.host.name for o in after[:5]] == ["Göteborg", "Bergen", "Åbo", "Århus", "Göteborg"]
    assert after[1].swap_reason == after[3].swap_reason == "Bergen 950 years"
    assert after[1].timezone == "Europe/Oslo"
    assert [o.key for o in after] == [o.key for o in occurrences]


def test_restoring_an_occurrence_undoes_its_changes(nordic):
    series = make_series(rotation(nordic))
    occurrences = _occurrences(series)
    services.swap_hosts(series, occurrences[0].key, occurrences[1].key, reason="x")
    services.restore_occurrence(series, occurrences[1].key)
    db.session.commit()
    assert [o.host.name for o in _occurrences(series)[:2]] == ["Göteborg", "Århus"]


@pytest.mark.parametrize("which", [0, 1], ids=["earlier", "later"])
def test_restoring_either_meeting_of_a_swap_undoes_the_swap_on_both_sides(nordic, which):
    series = make_series(rotation(nordic))
    occurrences = _occurrences(series)
    services.swap_hosts(series, occurrences[0].key, occurrences[1].key, reason="Jubilee")
    services.move_occurrence(series, occurrences[1 - which].key, venue="Konserthuset")
    db.session.commit()
    services.restore_occurrence(series, occurrences[which].key)
    db.session.commit()
    after = _occurrences(series)
    assert [o.host.name for o in after[:2]] == ["Göteborg", "Århus"]
    assert after[0].swap_reason == after[1].swap_reason == ""
    # The other meeting keeps what was changed on it besides the swap.
    assert after[1 - which].venue == "Konserthuset"
    assert len(series.changes) == 1


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(
    ("fields", "hosts", "field", "message"),
    [
        ({}, [], "host_1", "at least one host"),
        ({"interval": 0}, None, "interval", "at least 1"),
        ({"until_date": date(2029, 1, 1)}, None, "until_date", "before the first date"),
        ({"timezone": "Europe/Gothenburg"}, None, "timezone", "Unknown time zone"),
        ({"duration_minutes": 0}, None, "duration_minutes", "more than zero"),
        ({"duration_minutes": 30 * 24 * 60 + 1}, None, "duration_minutes", "at most 30 days"),
        ({"title_sv": "", "title_en": ""}, None, "title_sv", "title"),
    ],
)
def test_a_bad_series_is_refused_and_nothing_is_saved(nordic, fields, hosts, field, message):
    host_ids = [p.id for p in rotation(nordic)] if hosts is None else hosts
    with pytest.raises(MeetingError) as caught:
        services.create_series(host_ids=host_ids, **series_values(**fields))
    db.session.rollback()
    assert caught.value.field == field
    assert message in str(caught.value)
    assert _count(MeetingSeries) == 0


def test_a_30_day_series_meeting_is_allowed(nordic):
    assert make_series(rotation(nordic), duration_minutes=30 * 24 * 60).duration == timedelta(
        days=30
    )


def test_moving_an_occurrence_the_series_does_not_have_is_refused(nordic):
    series = make_series(rotation(nordic))
    for key in ("20310610T080000Z", "garbage", ""):
        with pytest.raises(MeetingError, match="no meeting at that time"):
            services.move_occurrence(series, key, new_date=date(2031, 6, 11))
    db.session.rollback()
    assert _count(OccurrenceChange) == 0


def test_moving_to_an_unknown_zone_is_refused(nordic):
    series = make_series(rotation(nordic))
    key = _occurrences(series)[0].key
    with pytest.raises(MeetingError) as caught:
        services.move_occurrence(series, key, new_timezone="Mars/Olympus")
    assert caught.value.field == "new_timezone"


def test_changing_when_a_series_meets_is_refused_while_occurrences_are_changed(nordic):
    series = make_series(rotation(nordic))
    services.cancel_occurrence(series, _occurrences(series)[1].key)
    db.session.commit()
    with pytest.raises(MeetingError, match="undo those changes"):
        services.update_series(
            series,
            host_ids=[p.id for p in rotation(nordic)],
            **series_values(start_time=time(9, 0)),
        )
    db.session.rollback()
    assert db.session.get(MeetingSeries, series.id).start_time == time(10, 0)


def test_editing_the_title_of_a_changed_series_is_fine_and_raises_its_sequence(nordic):
    series = make_series(rotation(nordic))
    services.cancel_occurrence(series, _occurrences(series)[1].key)
    services.update_series(
        series, host_ids=[p.id for p in rotation(nordic)], **series_values(title_en="Nordic summit")
    )
    db.session.commit()
    assert series.title_en == "Nordic summit"
    assert series.sequence == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"timezone": "Nowhere/Town"}, "timezone"),
        ({"end_time": time(9, 30)}, "end_time"),
        ({"end_date": date(2030, 4, 12)}, "end_date"),
        ({"partner_id": ""}, "partner_id"),
    ],
)
def test_a_bad_one_off_meeting_is_refused_and_nothing_is_saved(nordic, fields, field):
    with pytest.raises(MeetingError) as caught:
        services.create_meeting(**meeting_values(nordic["aarhus"], **fields))
    db.session.rollback()
    assert caught.value.field == field
    assert _count(Meeting) == 0


def test_a_one_off_meeting_is_stored_in_utc_with_its_zone(app):
    from tests.factories import make_partner

    chicago = make_partner("Chicago", country="US", timezone="America/Chicago")
    meeting = make_meeting(chicago, timezone="", start_time=time(10, 0), end_time=time(12, 0))
    assert meeting.timezone == "America/Chicago"  # the partner's, when none is given
    assert meeting.starts_at == datetime(2030, 3, 12, 15, 0, tzinfo=UTC)  # CDT, UTC-5


def test_upcoming_occurrences_merges_series_and_meetings_in_order(nordic):
    series = make_series(rotation(nordic))
    meeting = make_meeting(nordic["aarhus"], start_date=date(2031, 3, 1))
    hidden = make_meeting(nordic["bergen"], start_date=date(2030, 1, 5), published=False)
    found = upcoming_occurrences(NOW, limit=3)
    assert [o.uid for o in found] == [
        occurrence_uid(series, _occurrences(series)[0].key),
        meeting_uid(meeting),
        occurrence_uid(series, _occurrences(series)[1].key),
    ]
    first = found[0]
    assert first.host.name == "Göteborg" and first.timezone == "Europe/Stockholm"
    assert first.start.tzinfo is not None and first.end - first.start == timedelta(hours=6)
    assert first.url == f"http://planner.example.org/meetings/s{series.id}#o{first.key}"
    assert first.status == "confirmed"
    every = upcoming_occurrences(NOW, limit=None, include_unpublished=True)
    assert meeting_uid(hidden) in [o.uid for o in every]


def test_upcoming_leaves_out_unpublished_series_and_past_meetings(nordic):
    make_series(rotation(nordic), published=False)
    make_meeting(nordic["aarhus"], start_date=date(2028, 3, 1))
    assert upcoming_occurrences(NOW, limit=10) == []


def _parse(events) -> list:
    cal = Calendar.from_ical(events_to_ical(events, name="test"))
    return [c for c in cal.walk("VEVENT")]


def test_a_series_becomes_a_master_with_rrule_exdate_and_overrides(nordic):
    series = make_series(rotation(nordic), count=4)
    occurrences = _occurrences(series)
    services.cancel_occurrence(series, occurrences[3].key, reason="budget")
    services.move_occurrence(series, occurrences[0].key, new_date=date(2030, 6, 11))
    db.session.commit()
    vevents = _parse(master_calevents(series))
    master = vevents[0]
    assert "RECURRENCE-ID" not in master
    rule = master["RRULE"]
    assert (rule["FREQ"], rule["INTERVAL"], rule["COUNT"]) == (["YEARLY"], [2], [4])
    exdate = master["EXDATE"]
    exdates = [d.dt for x in (exdate if isinstance(exdate, list) else [exdate]) for d in x.dts]
    assert [d.astimezone(UTC) for d in exdates] == [occurrences[3].occurrence.original_start]
    overrides = {v["RECURRENCE-ID"].dt.astimezone(UTC): v for v in vevents[1:]}
    moved = overrides[occurrences[0].occurrence.original_start]
    assert moved["DTSTART"].dt.date() == date(2030, 6, 11)
    # Åbo's meeting is at 10:00 Helsinki time: an override of the Stockholm master.
    abo = overrides[occurrences[2].occurrence.original_start]
    assert str(abo["DTSTART"].params["TZID"]) == "Europe/Helsinki"
    assert abo["DTSTART"].dt.hour == 10
    assert {str(v["UID"]) for v in vevents} == {series_uid(series)}


def test_a_series_whose_host_rotates_is_one_event_per_meeting_in_feeds(nordic):
    series = make_series(rotation(nordic), count=4)
    services.cancel_occurrence(series, _occurrences(series)[1].key)
    db.session.commit()
    vevents = _parse(series_calevents(series))
    assert len(vevents) == 3
    assert len({str(v["UID"]) for v in vevents}) == 3
    assert all("RRULE" not in v and "RECURRENCE-ID" not in v for v in vevents)


def test_calendar_events_lists_published_series_and_meetings(nordic):
    make_series(rotation(nordic), count=2)
    make_meeting(nordic["aarhus"])
    make_meeting(nordic["aarhus"], published=False, title_en="Secret")
    events = calendar_events()
    assert "Secret" not in [e.title for e in events]
    assert len(calendar_events(include_unpublished=True)) == len(events) + 1


def test_a_series_in_one_zone_and_venue_is_a_single_master_with_until_in_utc(nordic):
    series = make_series(
        rotation(nordic),
        in_host_timezone=False,
        timezone="Europe/Oslo",
        venue="Online",
        until_date=date(2036, 6, 10),
    )
    (master,) = _parse(series_calevents(series))
    assert master["RRULE"]["UNTIL"] == [datetime(2036, 6, 10, 21, 59, 59, tzinfo=UTC)]
    assert str(master["DTSTART"].params["TZID"]) == "Europe/Oslo"
    assert str(master["LOCATION"]) == "Online"
