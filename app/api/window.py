"""The `from`/`to` window of /api/v1/events: ISO dates, their defaults, at most two years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.errors import abort_with
from app.formfields import EARLIEST_YEAR, LATEST_YEAR
from app.timeutil import localize

ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # ASCII digits only
DEFAULT_YEARS = 1  # `to` when absent: a year after `from`
MAX_YEARS = 2  # `to` at most two years after `from`
LAST_DAY = date(LATEST_YEAR, 12, 31)


@dataclass(frozen=True)
class Window:
    """Whole days, `first` to `last` inclusive, in the home municipality's zone."""

    first: date
    last: date

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """Return the moments the window begins and ends: midnight before `first` and after `last`."""
        after = self.last + timedelta(days=1)
        return localize(self.first, time(0), zone), localize(after, time(0), zone)


def add_years(day: date, years: int) -> date:
    """Return the same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def parse_day(value: str | None, name: str) -> date | None:
    """Return the date a query parameter gives, None when absent; stop with a 400 otherwise."""
    if value is None:
        return None
    match = ISO_DATE.fullmatch(value)
    if match is None:
        abort_with(400, _("“%(name)s” must be a date written as YYYY-MM-DD.", name=name))
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:  # 2026-02-30, year 0000
        abort_with(400, _("“%(name)s” is not a date in the calendar.", name=name))
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        abort_with(
            400,
            _(
                "“%(name)s” must be a date in the years %(first)s to %(last)s.",
                name=name,
                first=EARLIEST_YEAR,
                last=LATEST_YEAR,
            ),
        )
    return day


def parse_window(args: MultiDict, today: date) -> Window:
    """Return the window asked for: `from` defaults to today, `to` to a year after `from`."""
    first = parse_day(args.get("from"), "from") or today
    last = parse_day(args.get("to"), "to") or min(add_years(first, DEFAULT_YEARS), LAST_DAY)
    if last < first:
        abort_with(400, _("“to” must not be before “from”."))
    if last > add_years(first, MAX_YEARS):
        abort_with(400, _("“to” may be at most two years after “from”."))
    return Window(first, last)
