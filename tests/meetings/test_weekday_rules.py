"""Weekday-of-the-month rules: pure expansion agrees with RFC 5545 as dateutil reads the
RRULE the feeds write, and the rule reads as a sentence in both languages."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from app.meetings.display import rule_in_words, span
from app.meetings.recurrence import SETPOS, Rule, local_starts, matches, nth_weekday
from app.timeutil import localize

FIRST_YEAR, LAST_YEAR = 2000, 2060


@st.composite
def rules(draw) -> Rule:
    """A rule on a weekday of the month (first date such a day) or on a date, up to 31st."""
    freq = draw(st.sampled_from(["years", "months"]))
    year = draw(st.integers(FIRST_YEAR, 2040))
    month = draw(st.integers(1, 12))
    start_time = draw(st.times()).replace(second=0, microsecond=0)
    ends = draw(st.sampled_from(["count", "until"]))
    by_weekday = by_setpos = None
    if draw(st.booleans()):
        by_weekday = draw(st.integers(0, 6))
        by_setpos = draw(st.sampled_from(SETPOS))
        first = nth_weekday(year, month, by_weekday, by_setpos)
        assert first is not None
    else:
        last_day = 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
        first = date(year, month, draw(st.integers(1, last_day)))
    return Rule(
        freq=freq,
        interval=draw(st.integers(1, 4)),
        first_date=first,
        start_time=start_time,
        count=draw(st.integers(1, 15)) if ends == "count" else None,
        until=draw(st.dates(first, date(LAST_YEAR, 12, 31))) if ends == "until" else None,
        by_weekday=by_weekday,
        by_setpos=by_setpos,
    )


def _dateutil(rule: Rule) -> list[datetime]:
    """Expand the RRULE the feeds write from DTSTART, as a calendar app would."""
    text = rule.ical()
    if rule.until is not None:
        text += ";UNTIL=" + datetime.combine(rule.until, time(23, 59, 59)).strftime("%Y%m%dT%H%M%S")
    dtstart = datetime.combine(rule.first_date, rule.start_time)
    return list(rrulestr(f"RRULE:{text}", dtstart=dtstart))


@settings(max_examples=300, deadline=None)
@given(rule=rules())
def test_local_starts_agree_with_dateutil_reading_the_rrule_and_dtstart_is_the_first(rule):
    assert rule.problems() == []
    ours = list(local_starts(rule, through=date(2200, 12, 31)))
    assert ours == _dateutil(rule)
    assert ours[0] == datetime.combine(rule.first_date, rule.start_time)
    if rule.by_weekday is not None:
        assert all(matches(o.date(), rule.by_weekday, rule.by_setpos) for o in ours)
        if rule.freq == "years":
            assert {o.month for o in ours} == {rule.first_date.month}


def test_the_second_tuesday_of_june_every_other_year_from_2026():
    rule = Rule("years", 2, date(2026, 6, 9), time(9, 0), by_weekday=1, by_setpos=2)
    assert rule.ical() == "FREQ=YEARLY;INTERVAL=2;BYMONTH=6;BYDAY=2TU"
    assert [d.date() for d in local_starts(rule, through=date(2040, 12, 31))] == [
        date(2026, 6, 9),
        date(2028, 6, 13),
        date(2030, 6, 11),
        date(2032, 6, 8),
        date(2034, 6, 13),
        date(2036, 6, 10),
        date(2038, 6, 8),
        date(2040, 6, 12),
    ]


def test_the_last_friday_every_three_months():
    rule = Rule("months", 3, date(2026, 1, 30), time(9, 0), count=4, by_weekday=4, by_setpos=-1)
    assert rule.ical() == "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR;COUNT=4"
    assert [d.date() for d in local_starts(rule)] == [
        date(2026, 1, 30),
        date(2026, 4, 24),
        date(2026, 7, 31),
        date(2026, 10, 30),
    ]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (Rule("years", 1, date(2026, 6, 10), time(9), by_weekday=1, by_setpos=2), "first_date"),
        (Rule("years", 1, date(2026, 3, 30), time(9), by_weekday=0, by_setpos=5), "by_setpos"),
        (Rule("years", 1, date(2026, 6, 9), time(9), by_weekday=7, by_setpos=2), "by_weekday"),
        (Rule("years", 1, date(2026, 6, 9), time(9), by_weekday=1), "by_setpos"),
    ],
)
def test_a_weekday_rule_whose_first_date_is_not_such_a_day_or_that_is_not_in_every_month(
    rule, field
):
    assert [f for f, _message in rule.problems()] == [field]


def test_no_february_has_a_fifth_monday_as_nth_weekday_tells():
    assert nth_weekday(2027, 2, 0, 5) is None  # asked for directly: none
    assert nth_weekday(2027, 2, 0, -1) == date(2027, 2, 22)


@pytest.mark.parametrize(
    ("rule", "english", "swedish"),
    [
        (
            Rule("years", 2, date(2026, 6, 9), time(9), by_weekday=1, by_setpos=2),
            "every other year on the second Tuesday of June",
            "vartannat år den andra tisdagen i juni",
        ),
        (
            Rule("months", 3, date(2026, 1, 30), time(9), by_weekday=4, by_setpos=-1),
            "every 3 months on the last Friday",
            "med 3 månaders mellanrum den sista fredagen",
        ),
        (
            Rule("years", 1, date(2026, 6, 10), time(9)),
            "every year on 10 June",
            "varje år den 10 juni",
        ),
        (
            Rule("years", 4, date(2026, 6, 10), time(9)),
            "every 4 years on 10 June",
            "med 4 års mellanrum den 10 juni",
        ),
        (
            Rule("months", 2, date(2026, 1, 5), time(9), by_weekday=0, by_setpos=1),
            "every other month on the first Monday",
            "varannan månad den första måndagen",
        ),
        (
            Rule("months", 1, date(2026, 1, 15), time(9)),
            "every month on day 15",
            "varje månad, den 15 i månaden",
        ),
    ],
)
def test_a_rule_in_words_in_both_languages(app, rule, english, swedish):
    assert rule_in_words(rule, "en") == english
    assert rule_in_words(rule, "sv") == swedish
    assert rule_in_words(rule, "en", capital=True) == english[0].upper() + english[1:]


def test_a_meeting_over_two_days_is_one_range_of_days_and_its_hours(app):
    start = localize(date(2026, 6, 10), time(9), "Europe/Stockholm")
    end = localize(date(2026, 6, 11), time(16), "Europe/Stockholm")
    # Each day in the language's one date style (CLDR's intervals abbreviate English months).
    assert span(start, end, "Europe/Stockholm", "sv") == "10 juni 2026 – 11 juni 2026, 09:00–16:00"
    assert (
        span(start, end, "Europe/Stockholm", "en") == "June 10, 2026 – June 11, 2026, 09:00–16:00"
    )
