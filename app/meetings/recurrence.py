"""Occurrences of a meeting series: pure recurrence expansion, no Flask.

A series repeats every N years or months from its first date. The wall-clock dates are
expanded with dateutil's rrule in LOCAL time (naive datetimes), and only then localized
with `app.timeutil.localize`, so a 10:00 meeting stays at 10:00 local across daylight
saving. A local time that does not exist (the spring-forward gap) or exists twice (the
autumn fold) follows localize's documented rule: a time in the gap moves forward by the
gap's length (02:30 becomes 03:30), an ambiguous time is taken at its first occurrence
(summer time).

Rules of RFC 5545 hold, as rrule applies them: a monthly series on the 31st skips the
months that have no 31st, and a yearly series on 29 February only meets in leap years.

A series may instead meet on a weekday of the month: the k-th (1 to 4) or the last
(-1) Monday..Sunday (`by_weekday` 0..6, `by_setpos`). A yearly rule takes its month
from `first_date` ("the second Tuesday of June every other year" is
FREQ=YEARLY;INTERVAL=2;BYMONTH=6;BYDAY=2TU); a monthly one meets every N months from
first_date's month (FREQ=MONTHLY;INTERVAL=N;BYDAY=-1FR). A fifth weekday is refused:
no month has one every time. `first_date` must itself be such a day, so that it is the
first instance, as RFC 5545 wants of DTSTART, and the identity of every occurrence is
the same in the app and in any calendar expanding the RRULE.

Each occurrence has an identity that never changes when it is moved: its ORIGINAL start,
i.e. the rrule instance localized in the series' own (reference) zone, in UTC. The key
`20280612T080000Z` (see `occurrence_key`) names it in URLs, and the same instant is the
iCal RECURRENCE-ID / EXDATE. Changes (moved, cancelled, skipped) are stored keyed by it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import MONTHLY, YEARLY, rrule, weekday

from app.timeutil import is_valid_timezone, localize

YEARS = "years"
MONTHS = "months"
FREQS = {YEARS: YEARLY, MONTHS: MONTHLY}
ICAL_FREQS = {YEARS: "YEARLY", MONTHS: "MONTHLY"}

MAX_DURATION = timedelta(days=30)

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LAST = -1
SETPOS = (1, 2, 3, 4, LAST)  # first to fourth, last; a fifth is not in every month

CONFIRMED = "confirmed"
MOVED = "moved"
CANCELLED = "cancelled"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Rule:
    """When a series meets: every `interval` years or months from `first_date`."""

    freq: str
    interval: int
    first_date: date
    start_time: time
    until: date | None = None  # last possible date, inclusive
    count: int | None = None
    by_weekday: int | None = None  # 0 = Monday .. 6 = Sunday; None: on first_date's day
    by_setpos: int | None = None  # 1..4 or -1 (last) with by_weekday

    @property
    def on_weekday(self) -> bool:
        return self.by_weekday is not None or self.by_setpos is not None

    def problems(self) -> list[tuple[str, str]]:
        """Return (field, message) for each way this rule is unusable; empty when fine."""
        found = []
        if self.freq not in FREQS:
            found.append(("freq", "unknown frequency"))
        if self.interval < 1:
            found.append(("interval", "interval must be at least 1"))
        if self.until is not None and self.until < self.first_date:
            found.append(("until", "end before first date"))
        if self.count is not None and self.count < 1:
            found.append(("count", "count must be at least 1"))
        if self.until is not None and self.count is not None:
            found.append(("count", "until and count exclude each other"))
        if self.on_weekday:
            if self.by_weekday not in range(7):
                found.append(("by_weekday", "weekday must be 0 (Monday) to 6 (Sunday)"))
            elif self.by_setpos not in SETPOS:
                found.append(("by_setpos", "position must be 1 to 4 or -1 (last)"))
            elif not matches(self.first_date, self.by_weekday, self.by_setpos):
                found.append(("first_date", "first date is not such a weekday"))
        return found

    def month_weekday(self) -> weekday:
        """Return the weekday pattern as dateutil writes it, e.g. TU(+2)."""
        assert self.by_weekday is not None and self.by_setpos is not None
        return weekday(self.by_weekday, self.by_setpos)

    def ical(self) -> str:
        """Return the RRULE value, without UNTIL (the caller adds it in UTC)."""
        parts = [f"FREQ={ICAL_FREQS[self.freq]}", f"INTERVAL={self.interval}"]
        if self.on_weekday:
            if self.freq == YEARS:
                parts.append(f"BYMONTH={self.first_date.month}")
            parts.append(f"BYDAY={self.by_setpos}{WEEKDAY_CODES[self.by_weekday or 0]}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)


def matches(day: date, by_weekday: int, by_setpos: int) -> bool:
    """Tell whether a day is the `by_setpos`-th (-1: last) `by_weekday` of its month."""
    if day.weekday() != by_weekday:
        return False
    if by_setpos == LAST:
        return (day + timedelta(days=7)).month != day.month
    return (day.day - 1) // 7 + 1 == by_setpos


def nth_weekday(year: int, month: int, by_weekday: int, by_setpos: int) -> date | None:
    """Return the `by_setpos`-th (-1: last) `by_weekday` of a month, or None if it has none."""
    if by_setpos == LAST:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = following - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - by_weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(by_weekday - first.weekday()) % 7 + 7 * (by_setpos - 1))
    return day if day.month == month else None


def local_starts(rule: Rule, *, through: date | None = None) -> Iterator[datetime]:
    """Yield the naive local start of each instance, in order, up to `through` if given."""
    if rule.problems():
        raise ValueError(f"invalid rule: {rule.problems()}")
    last = rule.until
    if through is not None:
        last = through if last is None else min(last, through)
    kwargs: dict = {
        "interval": rule.interval,
        "dtstart": datetime.combine(rule.first_date, rule.start_time),
    }
    if rule.on_weekday:
        kwargs["byweekday"] = rule.month_weekday()
        if rule.freq == YEARS:
            kwargs["bymonth"] = rule.first_date.month
    if rule.count is not None:
        kwargs["count"] = rule.count  # rrule takes COUNT or UNTIL, never both
    elif last is not None:
        kwargs["until"] = datetime.combine(last, time.max)
    else:
        raise ValueError("an endless rule needs `through`")
    for local in rrule(FREQS[rule.freq], **kwargs):
        if last is not None and local.date() > last:
            return
        yield local


def original_start(local: datetime, zone: str) -> datetime:
    """Return the identity instant (UTC) of an instance with this naive local start."""
    return localize(local.date(), local.time(), zone).astimezone(UTC)


def occurrence_key(original: datetime) -> str:
    """Return the URL-safe name of an occurrence: its original start in UTC, basic ISO."""
    return original.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_key(key: str) -> datetime | None:
    """Return the UTC instant a key names, or None when it is not a key."""
    try:
        return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except (ValueError, TypeError):
        return None


@dataclass(frozen=True)
class Change:
    """A stored change to one occurrence, keyed by its original start (UTC)."""

    original_start: datetime
    cancelled: bool = False
    skipped: bool = False  # gone, and the host rotation does not advance
    new_date: date | None = None
    new_time: time | None = None
    new_timezone: str | None = None
    venue: str | None = None
    reason: str = ""
    reason_en: str = ""
    sequence: int = 0

    @property
    def removed(self) -> bool:
        return self.cancelled or self.skipped

    @property
    def moved(self) -> bool:
        return not self.removed and (
            self.new_date is not None or self.new_time is not None or self.new_timezone is not None
        )


@dataclass(frozen=True)
class Occurrence:
    """One computed meeting of a series."""

    index: int  # position in the rrule sequence, from 0: drives the host rotation
    original_start: datetime  # identity, UTC
    start: datetime  # aware, in `timezone`
    end: datetime
    timezone: str
    status: str = CONFIRMED
    venue: str | None = None  # None: the series' venue / the host city
    reason: str = ""
    reason_en: str = ""
    sequence: int = 0
    change: Change | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return occurrence_key(self.original_start)


def expand(
    rule: Rule,
    *,
    zone: str,
    duration: timedelta,
    through: date,
    changes: Mapping[datetime, Change] | None = None,
    zone_for: Callable[[int], str] | None = None,
    include_removed: bool = False,
) -> list[Occurrence]:
    """Return the occurrences whose original date is on or before `through`, by start.

    `zone` is the series' reference zone (identity, iCal master); `zone_for(index)` gives
    the zone an occurrence is held in (e.g. its host city's), defaulting to `zone`.
    Cancelled and skipped occurrences are left out unless `include_removed`.
    """
    if not is_valid_timezone(zone):
        raise ValueError(f"unknown time zone {zone!r}")
    if duration <= timedelta(0) or duration > MAX_DURATION:
        raise ValueError("duration must be positive and at most 30 days")
    changes = changes or {}
    # A change may lie beyond the window; expand far enough to place it.
    last = through
    if changes:
        latest = max(changes).astimezone(UTC).date() + timedelta(days=2)
        last = max(last, latest)
    result = []
    for index, local in enumerate(local_starts(rule, through=last)):
        ident = original_start(local, zone)
        held_in = zone_for(index) if zone_for is not None else zone
        change = changes.get(ident)
        if local.date() > through and change is None:
            continue
        start = localize(local.date(), local.time(), held_in)
        status, venue, reason, reason_en, sequence = CONFIRMED, None, "", "", 0
        if change is not None:
            reason, sequence, venue = change.reason, change.sequence, change.venue
            reason_en = change.reason_en
            if change.removed:
                status = SKIPPED if change.skipped else CANCELLED
            elif change.moved:
                status = MOVED
                held_in = change.new_timezone or held_in
                start = localize(
                    change.new_date or local.date(), change.new_time or local.time(), held_in
                )
            if status in (CANCELLED, SKIPPED) and not include_removed:
                continue
        result.append(
            Occurrence(
                index=index,
                original_start=ident,
                start=start,
                end=start + duration,
                timezone=held_in,
                status=status,
                venue=venue,
                reason=reason,
                reason_en=reason_en,
                sequence=sequence,
                change=change,
            )
        )
    result.sort(key=lambda o: (o.start, o.index))
    return result


def instance_index(rule: Rule, zone: str, original: datetime) -> int | None:
    """Return the index of the instance with this original start, or None if none has it."""
    target = original.astimezone(UTC)
    for index, local in enumerate(local_starts(rule, through=target.date() + timedelta(days=2))):
        ident = original_start(local, zone)
        if ident == target:
            return index
        if ident > target:
            return None
    return None
