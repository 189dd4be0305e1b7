"""Generate VTIMEZONE components from the installed tz database (zoneinfo).

Not icalendar's ``Calendar.add_missing_timezones()``: icalendar 7.3 writes the onset of
daylight time in the new offset (an hour late, RFC 5545 wants the old one) and lists every
transition as ``RDATE``, which Outlook ignores.  Here the onsets are exact to the second,
expressed in ``TZOFFSETFROM``, and regular rules are compressed to yearly ``RRULE``s (the
current rule is left open-ended, as Google and vzic do).  Output is deterministic for a given
tz database; nothing reads the clock.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

__all__ = ["vtimezone"]

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SCAN_STEP = 6 * 3600  # seconds between zone probes; no zone changes offset twice in 6 hours
_EPOCH = datetime(1970, 1, 1)  # naive, for turning POSIX seconds into naive UTC wall time


@dataclass(frozen=True)
class _Transition:
    """Describe one change of a zone's offset, name or daylight flag."""

    utc: datetime  # naive UTC instant of the change
    onset: datetime  # naive local wall time of the change, expressed in offset_from
    offset_from: timedelta
    offset_to: timedelta
    name: str
    dst: timedelta


def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """Build a VTIMEZONE for an IANA zone that is exact from first_year to last_year."""
    initial, transitions = _zone_history(tzid, first_year, last_year)
    # Negative DST (Europe/Dublin, Africa/Casablanca): count DST from the lowest amount seen,
    # so winter is STANDARD and summer DAYLIGHT, as in the tz "rearguard" data clients expect.
    base = min([timedelta(0), initial[2], *(t.dst for t in transitions)])
    parts: list[tuple[datetime, TimezoneStandard | TimezoneDaylight]] = []
    if not transitions or transitions[0].utc >= datetime(first_year + 1, 1, 1):
        offset, name, dst = initial
        onset = datetime(first_year, 1, 1)
        parts.append((onset, _observance(dst > base, onset, offset, offset, name)))
    groups: dict[tuple[timedelta, timedelta, str, bool], list[_Transition]] = {}
    for item in transitions:
        key = (item.offset_from, item.offset_to, item.name, item.dst > base)
        groups.setdefault(key, []).append(item)
    for (offset_from, offset_to, name, is_dst), items in groups.items():
        runs = _yearly_runs(items)
        singles: list[_Transition] = []
        for index, (run, byday) in enumerate(runs):
            if byday is None:
                singles.extend(run)
                continue
            first = run[0].onset
            component = _observance(is_dst, first, offset_from, offset_to, name)
            rule: dict[str, object] = {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": byday}
            still_running = index == len(runs) - 1 and run[-1].onset.year >= last_year
            if not still_running:
                rule["UNTIL"] = run[-1].utc.replace(tzinfo=UTC)
            component.add("RRULE", vRecur(rule))
            parts.append((first, component))
        if singles:
            first = singles[0].onset
            component = _observance(is_dst, first, offset_from, offset_to, name)
            if len(singles) > 1:
                component.add("RDATE", [single.onset for single in singles[1:]])
            parts.append((first, component))
    timezone = Timezone()
    timezone.add("TZID", tzid)
    for _onset, component in sorted(parts, key=lambda part: part[0]):
        timezone.add_component(component)
    return timezone


def _zone_state(zone: ZoneInfo, seconds: int) -> tuple[timedelta, str, timedelta]:
    """Return (UTC offset, abbreviation, DST amount) of a zone at a POSIX instant."""
    local = datetime.fromtimestamp(seconds, tz=zone)
    offset = local.utcoffset() or timedelta(0)
    dst = local.dst() or timedelta(0)
    return offset, local.tzname() or _offset_name(offset), dst


def _offset_name(offset: timedelta) -> str:
    """Return an abbreviation like +0530 for a zone without one."""
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


@lru_cache(maxsize=256)
def _zone_history(
    tzid: str, first_year: int, last_year: int
) -> tuple[tuple[timedelta, str, timedelta], tuple[_Transition, ...]]:
    """Return a zone's state on 1 January of first_year and its changes until last_year ends."""
    zone = ZoneInfo(tzid)
    begin = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    stop = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp())
    initial = state = _zone_state(zone, begin)
    transitions: list[_Transition] = []
    now = begin
    while now < stop:
        probe = min(now + _SCAN_STEP, stop)
        if _zone_state(zone, probe) == state:
            now = probe
            continue
        low, high = now, probe  # state(low) == state, state(high) != state
        while high - low > 1:
            middle = (low + high) // 2
            if _zone_state(zone, middle) == state:
                low = middle
            else:
                high = middle
        new = _zone_state(zone, high)
        utc = _EPOCH + timedelta(seconds=high)
        transitions.append(_Transition(utc, utc + state[0], state[0], new[0], new[1], new[2]))
        state, now = new, high
    return initial, tuple(transitions)


def _byday_options(onset: datetime) -> set[str]:
    """Return the BYDAY values (e.g. 2SU, -1SU) that select the onset's day in its month."""
    weekday = _WEEKDAYS[onset.weekday()]
    options = set()
    nth = (onset.day - 1) // 7 + 1
    if nth <= 4:
        options.add(f"{nth}{weekday}")
    if onset.day + 7 > _calendar.monthrange(onset.year, onset.month)[1]:
        options.add(f"-1{weekday}")
    return options


def _yearly_runs(items: list[_Transition]) -> list[tuple[list[_Transition], str | None]]:
    """Split same-kind transitions into runs that one yearly BYMONTH/BYDAY rule describes."""
    runs: list[tuple[list[_Transition], set[str]]] = []
    for item in items:
        options = _byday_options(item.onset)
        if runs:
            run, common = runs[-1]
            last = run[-1].onset
            shared = common & options
            if (
                shared
                and item.onset.year == last.year + 1
                and item.onset.month == last.month
                and item.onset.time() == last.time()
            ):
                runs[-1] = (run + [item], shared)
                continue
        runs.append(([item], options))
    result: list[tuple[list[_Transition], str | None]] = []
    for run, common in runs:
        if len(run) < 2:
            result.append((run, None))
        else:
            negative = sorted(o for o in common if o.startswith("-"))
            result.append((run, (negative or sorted(common))[0]))
    return result


def _observance(
    is_dst: bool, onset: datetime, offset_from: timedelta, offset_to: timedelta, name: str
) -> TimezoneStandard | TimezoneDaylight:
    """Return a STANDARD or DAYLIGHT sub-component with its required properties."""
    component = TimezoneDaylight() if is_dst else TimezoneStandard()
    component.add("DTSTART", onset)
    component.add("TZOFFSETFROM", offset_from)
    component.add("TZOFFSETTO", offset_to)
    component.add("TZNAME", name)
    return component
