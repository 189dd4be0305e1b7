"""The pure parts of the calendar pages' agenda."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.calendar.agenda import Entry, by_month, month_bounds

spans = st.tuples(
    st.dates(min_value=date(2028, 6, 1), max_value=date(2031, 6, 30)),
    st.integers(min_value=0, max_value=500),
)


@given(st.lists(spans, max_size=30), st.sampled_from([2029, 2030]))
def test_each_month_of_the_year_holds_the_entries_with_a_day_in_it_in_order(found, year):
    entries = [
        Entry(kind="meeting", uid=str(n), title="", path="", first_day=d, last_day=d + timedelta(k))
        for n, (d, k) in enumerate(found)
    ]
    months = by_month(year, entries)
    assert [m for m, _ in months] == list(range(1, 13))
    for m, listed in months:
        assert listed == [e for e in entries if e.overlaps(*month_bounds(year, m))]
