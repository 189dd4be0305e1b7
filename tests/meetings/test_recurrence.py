"""Recurrence expansion: pure, in local wall-clock time, identities that survive moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from app.meetings.recurrence import (
    CANCELLED,
    MOVED,
    SKIPPED,
    Change,
    Rule,
    expand,
    instance_index,
    local_starts,
    occurrence_key,
    parse_key,
)

NORDIC_ZONES = ["Europe/Stockholm", "Europe/Oslo", "Europe/Copenhagen", "Europe/Helsinki"]
ZONES = [*NORDIC_ZONES, "Asia/Shanghai", "America/Chicago", "Africa/Johannesburg", "UTC"]
HOURS = timedelta(hours=3)

rules = st.builds(
    Rule,
    freq=st.sampled_from(["years", "months"]),
    interval=st.integers(1, 4),
    first_date=st.dates(date(2000, 1, 1), date(2040, 12, 31)).map(
        lambda d: d.replace(day=min(d.day, 28))  # every month has a 28th
    ),
    start_time=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    count=st.integers(1, 12),
)


def _step(rule: Rule) -> relativedelta:
    """Return the distance between two consecutive instances of a rule."""
    return (
        relativedelta(years=rule.interval)
        if rule.freq == "years"
        else relativedelta(months=rule.interval)
    )


def _expand(rule: Rule, zone: str, changes=None, include_removed=False):
    return expand(
        rule,
        zone=zone,
        duration=HOURS,
        through=date(2100, 1, 1),
        changes=changes,
        include_removed=include_removed,
    )


@settings(max_examples=150, deadline=None)
@given(rule=rules, zone=st.sampled_from(ZONES))
def test_each_occurrence_is_n_years_or_months_after_the_previous(rule, zone):
    occurrences = _expand(rule, zone)
    assert len(occurrences) == rule.count
    for before, after in zip(occurrences, occurrences[1:], strict=False):
        assert after.start.astimezone(ZoneInfo(zone)).date() == (
            before.start.astimezone(ZoneInfo(zone)).date() + _step(rule)
        )


@settings(max_examples=150, deadline=None)
@given(rule=rules, zone=st.sampled_from(ZONES), data=st.data())
def test_unmoved_occurrences_keep_the_step_around_a_moved_one(rule, zone, data):
    plain = _expand(rule, zone)
    target = data.draw(st.sampled_from(plain))
    shift = data.draw(st.integers(-200, 200))
    moved_to = target.start.date() + timedelta(days=shift)
    change = Change(target.original_start, new_date=moved_to, new_time=time(9, 15))
    occurrences = sorted(
        _expand(rule, zone, {change.original_start: change}), key=lambda o: o.index
    )
    unmoved = [o for o in occurrences if o.status != MOVED]
    for before, after in zip(unmoved, unmoved[1:], strict=False):
        expected = rule.first_date + _step(rule) * after.index
        assert after.start.astimezone(ZoneInfo(zone)).date() == expected
        assert before.index < after.index


@settings(max_examples=150, deadline=None)
@given(rule=rules, zone=st.sampled_from(ZONES), data=st.data())
def test_moving_an_occurrence_never_changes_its_identity(rule, zone, data):
    plain = _expand(rule, zone)
    target = data.draw(st.sampled_from(plain))
    new_date = data.draw(st.dates(date(1990, 1, 1), date(2090, 1, 1)))
    new_time = data.draw(st.times().map(lambda t: t.replace(microsecond=0)))
    new_zone = data.draw(st.sampled_from([None, *ZONES]))
    change = Change(
        target.original_start, new_date=new_date, new_time=new_time, new_timezone=new_zone
    )
    moved = _expand(rule, zone, {change.original_start: change})
    assert sorted(o.key for o in moved) == sorted(o.key for o in plain)
    (after,) = [o for o in moved if o.status == MOVED]
    assert after.key == target.key and after.index == target.index
    assert after.start.astimezone(ZoneInfo(after.timezone)).date() == new_date


@settings(max_examples=150, deadline=None)
@given(rule=rules, zone=st.sampled_from(ZONES), data=st.data())
def test_cancelled_and_skipped_occurrences_are_gone(rule, zone, data):
    plain = _expand(rule, zone)
    gone = data.draw(st.lists(st.sampled_from(plain), unique_by=lambda o: o.key))
    changes = {}
    for o in gone:
        skip = data.draw(st.booleans())
        changes[o.original_start] = Change(o.original_start, cancelled=not skip, skipped=skip)
    left = _expand(rule, zone, changes)
    assert {o.key for o in left} == {o.key for o in plain} - {o.key for o in gone}
    everything = _expand(rule, zone, changes, include_removed=True)
    assert {o.key for o in everything if o.status in (CANCELLED, SKIPPED)} == {o.key for o in gone}


@pytest.mark.parametrize("zone", NORDIC_ZONES + ["America/Chicago"])
def test_a_10_oclock_meeting_stays_at_10_local_in_january_and_july(zone):
    rule = Rule("months", 6, date(2027, 1, 14), time(10, 0), count=4)
    occurrences = _expand(rule, zone)
    local = [o.start.astimezone(ZoneInfo(zone)) for o in occurrences]
    assert [(t.month, t.hour, t.minute) for t in local] == [(1, 10, 0), (7, 10, 0)] * 2
    # The UTC hour differs between winter and summer: the wall clock wins, not UTC.
    utc_hours = {o.start.astimezone(UTC).hour for o in occurrences}
    assert len(utc_hours) == 2


def test_a_time_in_the_spring_gap_moves_forward_by_the_gap():
    """app.timeutil.localize: 02:30 on the night clocks go forward becomes 03:30."""
    rule = Rule("years", 1, date(2026, 3, 29), time(2, 30), count=1)
    (occ,) = _expand(rule, "Europe/Stockholm")
    local = occ.start.astimezone(ZoneInfo("Europe/Stockholm"))
    assert (local.hour, local.minute) == (3, 30)
    assert local.utcoffset() == timedelta(hours=2)


def test_a_time_in_the_autumn_fold_is_taken_at_its_first_occurrence():
    """app.timeutil.localize: 02:30 on the night clocks go back is the summer-time 02:30."""
    rule = Rule("years", 1, date(2026, 10, 25), time(2, 30), count=1)
    (occ,) = _expand(rule, "Europe/Stockholm")
    assert occ.start.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_monthly_series_on_the_31st_skips_months_without_one():
    rule = Rule("months", 1, date(2027, 1, 31), time(10, 0), count=3)
    assert [d.month for d in local_starts(rule)] == [1, 3, 5]


def test_until_is_inclusive_and_count_limits():
    rule = Rule("years", 2, date(2024, 6, 10), time(10, 0), until=date(2030, 6, 10))
    assert [d.year for d in local_starts(rule)] == [2024, 2026, 2028, 2030]


def test_a_rule_reports_interval_zero_and_an_end_before_the_start():
    rule = Rule("years", 0, date(2024, 6, 10), time(10, 0), until=date(2020, 1, 1))
    assert {f for f, _ in rule.problems()} == {"interval", "until"}


def test_the_occurrence_key_round_trips_and_is_the_utc_original_start():
    rule = Rule("years", 2, date(2028, 6, 12), time(10, 0), count=1)
    (occ,) = _expand(rule, "Europe/Oslo")
    assert occ.key == "20280612T080000Z"
    assert parse_key(occ.key) == occ.original_start
    assert occurrence_key(occ.original_start) == occ.key
    assert parse_key("not-a-key") is None


def test_instance_index_finds_only_real_instances():
    rule = Rule("years", 2, date(2024, 6, 10), time(10, 0))
    zone = "Europe/Stockholm"
    third = datetime(2028, 6, 10, 8, 0, tzinfo=UTC)
    assert instance_index(rule, zone, third) == 2
    assert instance_index(rule, zone, third + timedelta(days=1)) is None


def test_the_occurrence_is_held_in_the_zone_given_for_its_index():
    rule = Rule("years", 1, date(2027, 6, 1), time(10, 0), count=2)
    zones = ["Europe/Helsinki", "Europe/Oslo"]
    occurrences = expand(
        rule,
        zone="Europe/Stockholm",
        duration=HOURS,
        through=date(2030, 1, 1),
        zone_for=lambda k: zones[k],
    )
    assert [o.timezone for o in occurrences] == zones
    assert [o.start.astimezone(ZoneInfo(o.timezone)).hour for o in occurrences] == [10, 10]
    # Identity is taken in the series' own zone, whoever hosts.
    assert occurrences[0].key == "20270601T080000Z"
