"""Tests for the iCalendar serialiser, read back the way calendar clients read it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event, Timezone

from app.feeds.ical import PRODID, Attendee, CalEvent, event_to_ical, events_to_ical

OSLO = ZoneInfo("Europe/Oslo")
CHICAGO = ZoneInfo("America/Chicago")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def meeting(**changes: object) -> CalEvent:
    """Return a one-hour 10:00 Oslo meeting in January, with the given fields changed."""
    event = CalEvent(
        uid="meeting-12@vanort.example.org",
        title="Vänortsmöte",
        start=datetime(2025, 1, 15, 10, 0, tzinfo=OSLO),
        end=datetime(2025, 1, 15, 11, 0, tzinfo=OSLO),
        timezone="Europe/Oslo",
    )
    return replace(event, **changes)  # type: ignore[arg-type]


def feed(*events: CalEvent, **kwargs: object) -> bytes:
    """Serialise events as a feed called Vänort."""
    return events_to_ical(events, name="Vänort", **kwargs)  # type: ignore[arg-type]


def parse(data: bytes) -> Calendar:
    """Parse bytes the way a client would."""
    return Calendar.from_ical(data)


def only_event(data: bytes) -> Event:
    """Return the single VEVENT of a calendar."""
    (vevent,) = parse(data).walk("VEVENT")
    return vevent


def lines(data: bytes) -> list[str]:
    """Return the unfolded content lines."""
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def offsets_from_vtimezone(vtimezone: Timezone) -> Callable[[datetime], timedelta | None]:
    """Return a function giving the UTC offset that the VTIMEZONE defines at a UTC instant."""
    times, info = vtimezone.get_transitions()

    def offset_at(instant: datetime) -> timedelta | None:
        index = bisect.bisect_right(times, instant.astimezone(UTC).replace(tzinfo=None)) - 1
        return info[index][0] if index >= 0 else None

    return offset_at


# --- time zones of timed events ---------------------------------------------------------------


@pytest.mark.parametrize("month", [1, 7], ids=["january", "july"])
def test_oslo_meeting_reads_back_as_ten_local_with_tzid(month: int) -> None:
    event = meeting(
        start=datetime(2025, month, 15, 10, tzinfo=OSLO),
        end=datetime(2025, month, 15, 11, tzinfo=OSLO),
    )
    vevent = only_event(feed(event))
    start, end = vevent["DTSTART"], vevent["DTEND"]
    assert start.params["TZID"] == "Europe/Oslo"
    assert start.dt.replace(tzinfo=None) == datetime(2025, month, 15, 10, 0)
    assert start.dt.tzinfo == OSLO
    assert end.dt.replace(tzinfo=None) == datetime(2025, month, 15, 11, 0)
    assert f"DTSTART;TZID=Europe/Oslo:2025{month:02d}15T100000" in lines(feed(event))


def test_start_given_in_another_zone_is_converted_into_the_event_timezone() -> None:
    event = meeting(
        start=datetime(2025, 7, 15, 8, tzinfo=UTC), end=datetime(2025, 7, 15, 9, tzinfo=UTC)
    )
    assert "DTSTART;TZID=Europe/Oslo:20250715T100000" in lines(feed(event))


def test_no_timezone_writes_utc_with_z_and_no_vtimezone() -> None:
    data = feed(meeting(timezone=None))
    assert "DTSTART:20250115T090000Z" in lines(data)
    assert "DTEND:20250115T100000Z" in lines(data)
    assert parse(data).timezones == []


def test_utc_zone_name_writes_z_form_and_no_vtimezone() -> None:
    data = feed(meeting(timezone="Etc/UTC"))
    assert "DTSTART:20250115T090000Z" in lines(data)
    assert b"VTIMEZONE" not in data


def test_vtimezone_set_equals_the_zones_used() -> None:
    chicago = CalEvent(
        uid="c@x",
        title="Chicago",
        start=datetime(2025, 3, 1, 9, tzinfo=CHICAGO),
        end=datetime(2025, 3, 1, 10, tzinfo=CHICAGO),
        timezone="America/Chicago",
        rrule="FREQ=MONTHLY;COUNT=4",
        exdates=(datetime(2025, 4, 1, 9, tzinfo=CHICAGO),),
    )
    shanghai_override = CalEvent(
        uid="s@x",
        title="Shanghai moved",
        start=datetime(2025, 6, 3, 9, tzinfo=SHANGHAI),
        end=datetime(2025, 6, 3, 10, tzinfo=SHANGHAI),
        timezone="Asia/Shanghai",
        recurrence_id=datetime(2025, 6, 2, 9, tzinfo=SHANGHAI),
    )
    all_day = CalEvent(uid="d@x", title="Day", start=date(2025, 5, 1), end=date(2025, 5, 2))
    in_utc = meeting(uid="u@x", timezone=None)
    cal = parse(feed(meeting(), meeting(uid="m2@x"), chicago, shanghai_override, all_day, in_utc))
    zones = [tz.tz_name for tz in cal.timezones]
    assert sorted(zones) == ["America/Chicago", "Asia/Shanghai", "Europe/Oslo"]
    assert set(zones) == cal.get_used_tzids()
    assert cal.get_missing_tzids() == set()


def test_vtimezones_come_before_the_events() -> None:
    names = [component.name for component in parse(feed(meeting())).subcomponents]
    assert names == ["VTIMEZONE", "VEVENT"]


@pytest.mark.parametrize(
    ("zone", "years"),
    [
        ("Europe/Oslo", (2025, 2026)),
        ("America/Chicago", (2025,)),
        ("Asia/Shanghai", (2025,)),
        ("America/Chicago", (2006, 2008)),  # US rules changed in 2007
        ("America/Sao_Paulo", (2018, 2020)),  # Brazil dropped DST in 2019
        ("Europe/Dublin", (2025,)),  # negative DST in the tz database
        ("Australia/Lord_Howe", (2025,)),  # half-hour DST
    ],
)
def test_vtimezone_offsets_match_the_tz_database(zone: str, years: tuple[int, ...]) -> None:
    tz = ZoneInfo(zone)
    events = [
        meeting(
            uid=f"{year}@x",
            start=datetime(year, 6, 1, 12, tzinfo=tz),
            end=datetime(year, 6, 1, 13, tzinfo=tz),
            timezone=zone,
        )
        for year in years
    ]
    (vtimezone,) = parse(feed(*events)).timezones
    offset_at = offsets_from_vtimezone(vtimezone)
    instant = datetime(min(years), 1, 1, tzinfo=UTC)
    while instant < datetime(max(years) + 1, 1, 1, tzinfo=UTC):
        assert offset_at(instant) == instant.astimezone(tz).utcoffset(), instant
        instant += timedelta(hours=1)
    times, _info = vtimezone.get_transitions()
    for moment in times:  # exact to the second on both sides of every change
        at = moment.replace(tzinfo=UTC)
        if not min(years) <= at.year <= max(years):
            continue
        for probe in (at - timedelta(seconds=1), at):
            assert offset_at(probe) == probe.astimezone(tz).utcoffset(), probe


@pytest.mark.parametrize(
    ("zone", "daylight", "standard"),
    [
        ("Europe/Oslo", ("T020000", "-1SU", 3, "+0100"), ("T030000", "-1SU", 10, "+0200")),
        ("America/Chicago", ("T020000", "2SU", 3, "-0600"), ("T020000", "1SU", 11, "-0500")),
    ],
)
def test_vtimezone_is_one_yearly_rule_per_observance_with_onset_in_old_offset(
    zone: str, daylight: tuple[str, str, int, str], standard: tuple[str, str, int, str]
) -> None:
    tz = ZoneInfo(zone)
    event = meeting(
        start=datetime(2025, 5, 1, 9, tzinfo=tz),
        end=datetime(2025, 5, 1, 10, tzinfo=tz),
        timezone=zone,
    )
    (vtimezone,) = parse(feed(event)).timezones
    assert len(vtimezone.daylight) == 1
    assert len(vtimezone.standard) == 1
    for component, (clock, byday, month, offset_from) in (
        (vtimezone.daylight[0], daylight),
        (vtimezone.standard[0], standard),
    ):
        assert component["DTSTART"].to_ical().decode().endswith(clock)
        assert str(component["TZOFFSETFROM"].to_ical()) == offset_from
        assert "RDATE" not in component  # Outlook ignores RDATE-only VTIMEZONEs
        rule = component["RRULE"]
        assert rule["FREQ"] == ["YEARLY"]
        assert rule["BYDAY"] == [byday]
        assert rule["BYMONTH"] == [month]
        assert "UNTIL" not in rule  # the current rule stays open-ended


def test_zone_without_dst_has_a_single_fixed_standard_observance() -> None:
    event = meeting(
        start=datetime(2025, 5, 1, 9, tzinfo=SHANGHAI),
        end=datetime(2025, 5, 1, 10, tzinfo=SHANGHAI),
        timezone="Asia/Shanghai",
    )
    (vtimezone,) = parse(feed(event)).timezones
    assert vtimezone.daylight == []
    (standard,) = vtimezone.standard
    assert standard["TZOFFSETFROM"].to_ical() == standard["TZOFFSETTO"].to_ical() == "+0800"


# --- all-day events ---------------------------------------------------------------------------


def test_all_day_event_is_value_date_with_exclusive_end() -> None:
    event = CalEvent(uid="d@x", title="Nationaldag", start=date(2025, 6, 6), end=date(2025, 6, 7))
    data = feed(event)
    vevent = only_event(data)
    assert vevent["DTSTART"].dt == date(2025, 6, 6)
    assert vevent["DTEND"].dt == date(2025, 6, 7)
    assert "DTSTART;VALUE=DATE:20250606" in lines(data)
    assert "DTEND;VALUE=DATE:20250607" in lines(data)
    assert parse(data).timezones == []


def test_all_day_event_ignores_its_timezone() -> None:
    event = CalEvent(
        uid="d@x", title="Day", start=date(2025, 6, 6), end=date(2025, 6, 8), timezone="Asia/Tokyo"
    )
    data = feed(event)
    assert "DTSTART;VALUE=DATE:20250606" in lines(data)
    assert b"TZID" not in data


# --- calendar headers and bytes ---------------------------------------------------------------


def test_feed_has_the_calendar_headers_clients_read() -> None:
    data = events_to_ical([meeting()], name="Vänort, Åbo", description="Alla möten; öppna")
    cal = parse(data)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == PRODID
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert "X-WR-CALNAME:Vänort\\, Åbo" in lines(data)
    assert "X-WR-CALDESC:Alla möten\\; öppna" in lines(data)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines(data)
    assert "X-PUBLISHED-TTL:PT1H" in lines(data)
    assert "METHOD" not in cal


def test_refresh_interval_follows_refresh_minutes() -> None:
    data = feed(meeting(), refresh_minutes=90)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H30M" in lines(data)
    assert "X-PUBLISHED-TTL:PT1H30M" in lines(data)


def test_no_refresh_and_no_description_omit_their_properties() -> None:
    data = feed(meeting(), refresh_minutes=None)
    assert b"REFRESH-INTERVAL" not in data
    assert b"X-PUBLISHED-TTL" not in data
    assert b"X-WR-CALDESC" not in data


def test_method_is_written_when_given() -> None:
    assert str(parse(feed(meeting(), method="PUBLISH"))["METHOD"]) == "PUBLISH"


def test_same_input_gives_identical_bytes() -> None:
    events = [meeting(), meeting(uid="b@x", timezone="America/Chicago")]
    assert feed(*events) == feed(*events)
    assert event_to_ical(events[1]) == event_to_ical(events[1])


def test_output_uses_crlf_and_folds_lines_at_75_octets() -> None:
    long_text = "Besök hos vänorten Åbo, Århus och Göteborg; " * 8
    data = feed(meeting(description=long_text, location="Rådhuset, Göteborg"))
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    physical = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= 75
    assert any(line.startswith(b" ") for line in physical)
    for line in physical:
        line.decode("utf-8")  # folding never splits a multi-byte character
    assert only_event(data)["DESCRIPTION"] == long_text


def test_swedish_text_and_special_characters_round_trip() -> None:
    title = "Möte i Göteborg, Århus; Åbo"
    description = 'Rad 1\nRad 2: "citat", semikolon; backslash \\ slut'
    vevent = only_event(feed(meeting(title=title, description=description, location="Åbo slott")))
    assert vevent["SUMMARY"] == title
    assert vevent["DESCRIPTION"] == description
    assert vevent["LOCATION"] == "Åbo slott"
    assert "SUMMARY:Möte i Göteborg\\, Århus\\; Åbo" in lines(feed(meeting(title=title)))


def test_control_characters_are_dropped_and_carriage_returns_become_newlines() -> None:
    vevent = only_event(feed(meeting(description="a\r\nb\rc\x0bd\x00e\tf")))
    assert vevent["DESCRIPTION"] == "a\nb\ncde\tf"


# --- DTSTAMP ----------------------------------------------------------------------------------


def test_dtstamp_argument_wins_and_is_written_in_utc() -> None:
    stamp = datetime(2025, 1, 2, 13, 0, tzinfo=OSLO)
    changed = datetime(2024, 12, 1, tzinfo=UTC)
    vevent = only_event(feed(meeting(last_modified=changed), dtstamp=stamp))
    assert vevent["DTSTAMP"].to_ical() == b"20250102T120000Z"


def test_dtstamp_defaults_to_last_modified() -> None:
    event = meeting(
        last_modified=datetime(2024, 12, 1, 8, tzinfo=UTC),
        created=datetime(2024, 11, 1, tzinfo=UTC),
    )
    assert only_event(feed(event))["DTSTAMP"].to_ical() == b"20241201T080000Z"


def test_dtstamp_falls_back_to_created_then_to_the_start() -> None:
    created = meeting(created=datetime(2024, 11, 1, 7, tzinfo=UTC))
    assert only_event(feed(created))["DTSTAMP"].to_ical() == b"20241101T070000Z"
    assert only_event(feed(meeting()))["DTSTAMP"].to_ical() == b"20250115T090000Z"
    day = CalEvent(uid="d@x", title="Day", start=date(2025, 6, 6), end=date(2025, 6, 7))
    assert only_event(feed(day))["DTSTAMP"].to_ical() == b"20250606T000000Z"


# --- event properties -------------------------------------------------------------------------


def test_optional_properties_are_written_when_given() -> None:
    event = meeting(
        description="Agenda",
        location="Rådhuset",
        url="https://vanort.example.org/meetings/12",
        status="TENTATIVE",
        categories=("Möte", "Åbo, Finland"),
        sequence=3,
        created=datetime(2024, 11, 1, 9, tzinfo=OSLO),
        last_modified=datetime(2024, 12, 1, 9, tzinfo=OSLO),
    )
    vevent = only_event(feed(event))
    assert vevent["LOCATION"] == "Rådhuset"
    assert vevent["DESCRIPTION"] == "Agenda"
    assert vevent["URL"] == "https://vanort.example.org/meetings/12"
    assert vevent["STATUS"] == "TENTATIVE"
    assert vevent["SEQUENCE"] == 3
    assert list(vevent.categories) == ["Möte", "Åbo, Finland"]
    assert vevent["CREATED"].to_ical() == b"20241101T080000Z"
    assert vevent["LAST-MODIFIED"].to_ical() == b"20241201T080000Z"


def test_empty_optional_properties_are_left_out() -> None:
    vevent = only_event(feed(meeting()))
    for name in ("DESCRIPTION", "LOCATION", "URL", "CATEGORIES", "ORGANIZER", "ATTENDEE"):
        assert name not in vevent
    assert vevent["SEQUENCE"] == 0
    assert vevent["STATUS"] == "CONFIRMED"


def test_events_are_written_in_the_order_given() -> None:
    uids = ["c@x", "a@x", "b@x"]
    cal = parse(feed(*(meeting(uid=uid) for uid in uids)))
    assert [str(vevent["UID"]) for vevent in cal.walk("VEVENT")] == uids


# --- recurrence -------------------------------------------------------------------------------


def test_rrule_and_exdates_round_trip() -> None:
    event = meeting(
        rrule="FREQ=YEARLY;INTERVAL=2;COUNT=5",
        exdates=(datetime(2027, 1, 15, 9, tzinfo=UTC),),
    )
    data = feed(event)
    vevent = only_event(data)
    assert vevent["RRULE"] == {"FREQ": ["YEARLY"], "INTERVAL": [2], "COUNT": [5]}
    assert "RRULE:FREQ=YEARLY;COUNT=5;INTERVAL=2" in lines(data)
    assert "EXDATE;TZID=Europe/Oslo:20270115T100000" in lines(data)
    assert [value.dt for value in vevent["EXDATE"].dts] == [datetime(2027, 1, 15, 10, tzinfo=OSLO)]


def test_all_day_series_uses_date_exdates_and_date_until() -> None:
    event = CalEvent(
        uid="d@x",
        title="Vänortsdag",
        start=date(2025, 5, 1),
        end=date(2025, 5, 2),
        rrule="FREQ=YEARLY;UNTIL=20300501",
        exdates=(date(2026, 5, 1), date(2027, 5, 1)),
    )
    data = feed(event)
    assert "RRULE:FREQ=YEARLY;UNTIL=20300501" in lines(data)
    assert "EXDATE;VALUE=DATE:20260501,20270501" in lines(data)


def test_override_has_recurrence_id_and_the_masters_uid() -> None:
    master = meeting(rrule="FREQ=MONTHLY;COUNT=6")
    moved = meeting(
        start=datetime(2025, 3, 16, 14, tzinfo=OSLO),
        end=datetime(2025, 3, 16, 15, tzinfo=OSLO),
        recurrence_id=datetime(2025, 3, 15, 10, tzinfo=OSLO),
        sequence=1,
    )
    data = feed(master, moved)
    first, second = parse(data).walk("VEVENT")
    assert str(first["UID"]) == str(second["UID"]) == master.uid
    assert "RECURRENCE-ID" not in first
    assert second["RECURRENCE-ID"].dt == datetime(2025, 3, 15, 10, tzinfo=OSLO)
    assert "RECURRENCE-ID;TZID=Europe/Oslo:20250315T100000" in lines(data)


# --- invitations ------------------------------------------------------------------------------


def test_invitation_has_method_request_organizer_and_attendees_to_answer() -> None:
    event = meeting(
        organizer=Attendee("kansli@vanort.example.org", "Internationella kansliet"),
        attendees=(
            Attendee("asa.berg@turku.example.fi", "Åsa Berg"),
            Attendee("mailto:ole@aarhus.example.dk", "Ole", role="OPT-PARTICIPANT"),
        ),
    )
    cal = parse(event_to_ical(event, method="REQUEST"))
    assert str(cal["METHOD"]) == "REQUEST"
    (vevent,) = cal.walk("VEVENT")
    assert vevent["ORGANIZER"] == "mailto:kansli@vanort.example.org"
    assert vevent["ORGANIZER"].params["CN"] == "Internationella kansliet"
    first, second = vevent["ATTENDEE"]
    assert first == "mailto:asa.berg@turku.example.fi"
    assert dict(first.params) == {
        "CN": "Åsa Berg",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    assert second == "mailto:ole@aarhus.example.dk"
    assert second.params["ROLE"] == "OPT-PARTICIPANT"


def test_invitation_has_no_calendar_name_or_refresh_interval() -> None:
    data = event_to_ical(meeting(organizer=Attendee("k@x.org")), method="REQUEST")
    for name in (b"X-WR-CALNAME", b"REFRESH-INTERVAL", b"X-PUBLISHED-TTL"):
        assert name not in data


def test_published_attendees_are_not_asked_to_rsvp() -> None:
    event = meeting(attendees=(Attendee("a@x.org"),))
    attendee = only_event(event_to_ical(event))["ATTENDEE"]
    assert "RSVP" not in attendee.params
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"


def test_quotes_in_names_do_not_break_the_parameter() -> None:
    event = meeting(organizer=Attendee("k@x.org", 'Kansliet "Int", Vänort'))
    assert only_event(feed(event))["ORGANIZER"].params["CN"] == "Kansliet 'Int', Vänort"


# --- validation -------------------------------------------------------------------------------

NAIVE = datetime(2025, 1, 15, 10, 0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": NAIVE}, "naive datetime"),
        ({"end": NAIVE + timedelta(hours=1)}, "naive datetime"),
        ({"last_modified": NAIVE}, "naive datetime"),
        ({"created": NAIVE}, "naive datetime"),
        ({"rrule": "FREQ=DAILY", "exdates": (NAIVE,)}, "naive datetime"),
        ({"recurrence_id": NAIVE}, "naive datetime"),
        ({"end": datetime(2025, 1, 15, 9, tzinfo=OSLO)}, "must be after start"),
        ({"end": datetime(2025, 1, 15, 10, tzinfo=OSLO)}, "must be after start"),
        ({"end": date(2025, 1, 16)}, "both be dates or both be datetimes"),
        ({"start": date(2025, 1, 15), "end": date(2025, 1, 15)}, "at least one day after"),
        ({"start": date(2025, 1, 16), "end": date(2025, 1, 15)}, "at least one day after"),
        ({"rrule": "FREQ=DAILY", "exdates": (date(2025, 1, 16),)}, "expected an aware datetime"),
        ({"recurrence_id": date(2025, 1, 16)}, "expected an aware datetime"),
        ({"timezone": "Europe/Göteborg"}, "unknown timezone"),
        ({"timezone": "Mars/Olympus"}, "unknown timezone"),
        ({"timezone": "../etc/passwd"}, "unknown timezone"),
        ({"status": "POSTPONED"}, "unknown status"),
        ({"rrule": "FREQ=SOMETIMES"}, "invalid rrule"),
        ({"rrule": "INTERVAL=2"}, "FREQ is missing"),
        ({"rrule": "FREQ=DAILY;FOO=1"}, "unknown parts"),
        ({"rrule": "FREQ=DAILY;COUNT=3;UNTIL=20250301T000000Z"}, "exclude each other"),
        ({"rrule": "FREQ=DAILY;UNTIL=20250301"}, "UTC date-time"),
        ({"rrule": "FREQ=DAILY;COUNT=0"}, "must be positive"),
        ({"exdates": (datetime(2025, 1, 16, 10, tzinfo=OSLO),)}, "exdates need an rrule"),
        ({"uid": " "}, "uid must not be empty"),
        ({"sequence": -1}, "must not be negative"),
        ({"url": "https://x.org/a b"}, "url"),
        ({"organizer": Attendee("not-an-email")}, "invalid email"),
        ({"attendees": (Attendee("a@x.org", role="BOSS"),)}, "unknown attendee role"),
    ],
)
def test_invalid_event_raises_value_error(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        feed(meeting(**changes))


def test_all_day_event_with_datetime_exdate_raises_value_error() -> None:
    event = CalEvent(
        uid="d@x",
        title="Day",
        start=date(2025, 5, 1),
        end=date(2025, 5, 2),
        rrule="FREQ=YEARLY",
        exdates=(datetime(2026, 5, 1, tzinfo=UTC),),
    )
    with pytest.raises(ValueError, match="expected a date like the event start"):
        feed(event)


def test_naive_dtstamp_raises_value_error() -> None:
    with pytest.raises(ValueError, match="dtstamp: naive datetime"):
        feed(meeting(), dtstamp=NAIVE)


def test_unknown_method_raises_value_error() -> None:
    with pytest.raises(ValueError, match="unknown METHOD"):
        event_to_ical(meeting(), method="INVITE")


def test_request_without_organizer_raises_value_error() -> None:
    with pytest.raises(ValueError, match="needs an organizer"):
        event_to_ical(meeting(), method="REQUEST")


def test_non_positive_refresh_minutes_raises_value_error() -> None:
    with pytest.raises(ValueError, match="refresh_minutes"):
        feed(meeting(), refresh_minutes=0)


def test_duplicate_uid_without_recurrence_id_raises_value_error() -> None:
    with pytest.raises(ValueError, match="duplicate event uid"):
        feed(meeting(), meeting(title="Again"))


# --- property: any valid feed round-trips ----------------------------------------------------

ZONES = ["Europe/Oslo", "Europe/Stockholm", "America/Chicago", "Asia/Shanghai", "Europe/Dublin"]
TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), include_characters="\n\t"
    ),
    max_size=80,
)
INSTANTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@st.composite
def valid_events(draw: st.DrawFn, index: int) -> CalEvent:
    """Draw one valid timed or all-day event."""
    uid = f"event-{index}@vanort.example.org"
    title = draw(TEXT)
    if draw(st.booleans()):
        start_day = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
        days = draw(st.integers(min_value=1, max_value=30))
        return CalEvent(uid=uid, title=title, start=start_day, end=start_day + timedelta(days))
    zone = draw(st.sampled_from([None, *ZONES]))
    start = draw(INSTANTS).replace(microsecond=0)
    length = timedelta(minutes=draw(st.integers(min_value=1, max_value=60 * 24 * 3)))
    return CalEvent(uid=uid, title=title, start=start, end=start + length, timezone=zone)


def is_repeated_wall_time(moment: datetime, zone: str | None) -> bool:
    """Tell whether a local time is the second of two identical ones (iCalendar picks the first)."""
    if zone is None:
        return False
    local = moment.astimezone(ZoneInfo(zone))
    return local.replace(fold=0).utcoffset() != local.utcoffset()


def instant(value: datetime | date) -> datetime | date:
    """Return a date as is and a datetime in UTC (aware == is False across zones in a fold)."""
    return value.astimezone(UTC) if isinstance(value, datetime) else value


@settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.integers(min_value=0, max_value=6).flatmap(
        lambda n: st.tuples(*(valid_events(i) for i in range(n)))
    )
)
def test_any_valid_feed_round_trips_uids_titles_and_instants(events: tuple[CalEvent, ...]) -> None:
    events = tuple(
        e
        for e in events
        if not any(
            isinstance(v, datetime) and is_repeated_wall_time(v, e.timezone)
            for v in (e.start, e.end)
        )
    )
    cal = parse(feed(*events))
    vevents = cal.walk("VEVENT")
    assert [str(v["UID"]) for v in vevents] == [e.uid for e in events]
    assert [str(v["SUMMARY"]) for v in vevents] == [e.title for e in events]
    assert [instant(v["DTSTART"].dt) for v in vevents] == [instant(e.start) for e in events]
    assert [instant(v["DTEND"].dt) for v in vevents] == [instant(e.end) for e in events]
    assert cal.get_missing_tzids() == set()
    used = {e.timezone for e in events if isinstance(e.start, datetime) and e.timezone}
    assert {tz.tz_name for tz in cal.timezones} == used
