"""Serialise planner events to RFC 5545 iCalendar bytes: the one serialiser of the product.

Used for meeting invitations (``METHOD:REQUEST`` attachments), exchange sign-up confirmations and
the subscription feeds read by Google Calendar, Outlook, Apple Calendar and Thunderbird.

Rules worth knowing:

* Output is deterministic: the same input always gives the same bytes (feeds derive ETags from
  them), given the same installed tz database.  Nothing reads the clock.
* ``DTSTAMP`` of every event is, in order of preference: the ``dtstamp`` argument, the event's
  ``last_modified``, its ``created``, or its start (an all-day start counts as 00:00 UTC).  Callers
  sending an iTIP message who want a true creation stamp pass ``dtstamp`` explicitly.
* Timed events are written in ``CalEvent.timezone`` with ``TZID`` (or in UTC with ``Z`` when it is
  ``None``); all-day events use ``VALUE=DATE`` and ignore ``timezone``.
* Every ``TZID`` used gets exactly one ``VTIMEZONE``, generated here from zoneinfo and not by
  ``icalendar.Calendar.add_missing_timezones()``: icalendar 7.3 writes the onset of daylight time
  in the new offset (an hour late, RFC 5545 wants the old one) and lists every transition as
  ``RDATE``, which Outlook ignores.  Here the onsets are exact to the second, expressed in
  ``TZOFFSETFROM``, and regular rules are compressed to yearly ``RRULE``s (the current rule is
  left open-ended, as Google and vzic do).  The zone is described from the year before the
  earliest to the year after the latest local date the events use with it.
* Events are emitted in the order given; an override (``recurrence_id``) is not moved next to its
  series master.  ``VTIMEZONE`` components come first, sorted by ``TZID``.
* Text is escaped by icalendar; control characters other than tab and newline are dropped and
  ``\\r\\n`` / ``\\r`` become newlines.  Quotes in CN parameters become apostrophes (Outlook
  does not read RFC 6868 escapes).
* ``ATTENDEE`` always has ``PARTSTAT=NEEDS-ACTION``; ``RSVP=TRUE`` only under ``METHOD:REQUEST``,
  which also requires an organizer (iTIP).  Leave attendees out of public feeds.
* Invalid input raises ``ValueError``: naive datetimes, end not after start (all-day: at least a
  day), date mixed with datetime, unknown zone/status/method/role, malformed RRULE (UNTIL must be
  UTC for timed events and a date for all-day ones), EXDATE without RRULE, bad e-mail or URL,
  and a UID repeated without distinct RECURRENCE-IDs.
* Limitation: a local time inside the repeated hour when clocks go back (``fold=1``) is written
  as that wall time, which RFC 5545 readers take as its first occurrence.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vRecur,
    vText,
)

__all__ = ["PRODID", "Attendee", "CalEvent", "event_to_ical", "events_to_ical"]

PRODID = "-//Vänort//Planner//EN"

STATUSES = frozenset({"CONFIRMED", "TENTATIVE", "CANCELLED"})
ROLES = frozenset({"CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"})
METHODS = frozenset(
    {"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"}
)
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"})
_RRULE_PARTS = frozenset(
    {
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYSECOND",
        "BYMINUTE",
        "BYHOUR",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    }
)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PARAM_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+")
_SCAN_STEP = 6 * 3600  # seconds between zone probes; no zone changes offset twice in 6 hours
_EPOCH = datetime(1970, 1, 1)  # naive, for turning POSIX seconds into naive UTC wall time


@dataclass(frozen=True)
class Attendee:
    """Describe a person invited to, or organising, an event."""

    email: str
    name: str = ""
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class CalEvent:
    """Describe one VEVENT: a single event, a series master or an overridden occurrence."""

    uid: str
    title: str
    start: datetime | date
    end: datetime | date
    timezone: str | None = None
    description: str = ""
    location: str = ""
    url: str | None = None
    status: str = "CONFIRMED"
    categories: tuple[str, ...] = ()
    sequence: int = 0
    last_modified: datetime | None = None
    created: datetime | None = None
    rrule: str | None = None
    exdates: tuple[datetime | date, ...] = ()
    recurrence_id: datetime | date | None = None
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()


@dataclass(frozen=True)
class _Prepared:
    """Hold an event validated and converted into the form it is written in."""

    event: CalEvent
    tzid: str | None  # the TZID written, None for UTC and all-day events
    start: datetime | date
    end: datetime | date
    exdates: tuple[datetime | date, ...]
    recurrence_id: datetime | date | None
    rrule: vRecur | None
    status: str


@dataclass(frozen=True)
class _Transition:
    """Describe one change of a zone's offset, name or daylight flag."""

    utc: datetime  # naive UTC instant of the change
    onset: datetime  # naive local wall time of the change, expressed in offset_from
    offset_from: timedelta
    offset_to: timedelta
    name: str
    dst: timedelta


def events_to_ical(
    events: Iterable[CalEvent],
    *,
    name: str,
    description: str = "",
    method: str | None = None,
    refresh_minutes: int | None = 60,
    dtstamp: datetime | None = None,
) -> bytes:
    """Serialise events into one VCALENDAR, e.g. a subscription feed."""
    return _serialise(
        list(events),
        name=name,
        description=description,
        method=method,
        refresh_minutes=refresh_minutes,
        dtstamp=dtstamp,
    )


def event_to_ical(
    event: CalEvent, *, method: str = "PUBLISH", dtstamp: datetime | None = None
) -> bytes:
    """Serialise one event into a VCALENDAR, e.g. an invitation attachment."""
    return _serialise(
        [event], name=None, description="", method=method, refresh_minutes=None, dtstamp=dtstamp
    )


def _serialise(
    events: list[CalEvent],
    *,
    name: str | None,
    description: str,
    method: str | None,
    refresh_minutes: int | None,
    dtstamp: datetime | None,
) -> bytes:
    """Validate everything, then build the calendar and return its bytes."""
    method_name = _check_method(method)
    stamp = None if dtstamp is None else _utc(dtstamp, "dtstamp")
    if refresh_minutes is not None and (
        isinstance(refresh_minutes, bool)
        or not isinstance(refresh_minutes, int)
        or refresh_minutes <= 0
    ):
        raise ValueError(f"refresh_minutes must be a positive integer, got {refresh_minutes!r}")
    prepared = [_prepare(event) for event in events]
    _check_unique(prepared)
    if method_name == "REQUEST":
        for item in prepared:
            if item.event.organizer is None:
                raise ValueError(f"event {item.event.uid!r}: METHOD:REQUEST needs an organizer")

    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    if method_name is not None:
        cal.add("METHOD", method_name)
    if name is not None:
        # icalendar 7.3 writes NAME / X-WR-CALNAME unescaped unless given a vText.
        cal.add("NAME", vText(_clean_text(name)))
        cal.add("X-WR-CALNAME", vText(_clean_text(name)))
    if description:
        cal.add("DESCRIPTION", vText(_clean_text(description)))
        cal.add("X-WR-CALDESC", vText(_clean_text(description)))
    if refresh_minutes is not None:
        interval = vDuration(timedelta(minutes=refresh_minutes))
        cal.add("REFRESH-INTERVAL", interval, parameters={"VALUE": "DURATION"})
        cal.add("X-PUBLISHED-TTL", vDuration(timedelta(minutes=refresh_minutes)))
    for tzid, (first_year, last_year) in sorted(_zone_years(prepared).items()):
        cal.add_component(_vtimezone(tzid, first_year, last_year))
    for item in prepared:
        cal.add_component(_build_event(item, method_name, stamp))
    return cal.to_ical()


def _check_method(method: str | None) -> str | None:
    """Return the upper-cased iTIP method or raise if it is unknown."""
    if method is None:
        return None
    upper = method.strip().upper()
    if upper not in METHODS:
        raise ValueError(f"unknown METHOD {method!r}; expected one of {sorted(METHODS)}")
    return upper


def _check_unique(prepared: list[_Prepared]) -> None:
    """Raise if two events share a UID and RECURRENCE-ID (clients would drop one)."""
    seen: set[tuple[str, datetime | date | None]] = set()
    for item in prepared:
        rid = item.recurrence_id
        key = (item.event.uid.strip(), rid.astimezone(UTC) if isinstance(rid, datetime) else rid)
        if key in seen:
            what = "recurrence-id " + str(rid) if rid is not None else "no recurrence-id"
            raise ValueError(f"duplicate event uid {item.event.uid!r} with {what}")
        seen.add(key)


def _prepare(event: CalEvent) -> _Prepared:
    """Validate one event and convert its instants into the form written."""
    label = f"event {event.uid!r}"
    if not event.uid.strip():
        raise ValueError("event uid must not be empty")
    status = event.status.strip().upper()
    if status not in STATUSES:
        raise ValueError(f"{label}: unknown status {event.status!r}; expected {sorted(STATUSES)}")
    if event.sequence < 0:
        raise ValueError(f"{label}: sequence must not be negative")
    zone = _zone(event.timezone, label)
    all_day = not isinstance(event.start, datetime)
    if all_day != (not isinstance(event.end, datetime)):
        raise ValueError(f"{label}: start and end must both be dates or both be datetimes")

    start = _point(event.start, all_day, zone, f"{label} start")
    end = _point(event.end, all_day, zone, f"{label} end")
    if _sort_key(end) <= _sort_key(start):
        if all_day:
            raise ValueError(
                f"{label}: all-day end {end} must be at least one day after start {start} "
                "(the end date is exclusive)"
            )
        raise ValueError(f"{label}: end {event.end} must be after start {event.start}")
    exdates = tuple(
        sorted(
            {_point(value, all_day, zone, f"{label} exdate") for value in event.exdates},
            key=_sort_key,
        )
    )
    if exdates and not event.rrule:
        raise ValueError(f"{label}: exdates need an rrule")
    recurrence_id = (
        None
        if event.recurrence_id is None
        else _point(event.recurrence_id, all_day, zone, f"{label} recurrence_id")
    )
    rrule = None if event.rrule is None else _parse_rrule(event.rrule, start, label)
    for stamp, field in ((event.last_modified, "last_modified"), (event.created, "created")):
        if stamp is not None:
            _utc(stamp, f"{label} {field}")
    if event.url is not None and (not event.url or re.search(r"[\s\x00-\x1f\x7f]", event.url)):
        raise ValueError(f"{label}: url must be non-empty and contain no whitespace")
    if event.organizer is not None:
        _address(event.organizer, f"{label} organizer")
    for attendee in event.attendees:
        _address(attendee, f"{label} attendee")
        if attendee.role.strip().upper() not in ROLES:
            raise ValueError(
                f"{label}: unknown attendee role {attendee.role!r}; expected {sorted(ROLES)}"
            )
    tzid = None if all_day or zone is None else str(zone.key)
    return _Prepared(event, tzid, start, end, exdates, recurrence_id, rrule, status)


def _zone(name: str | None, label: str) -> ZoneInfo | None:
    """Return the ZoneInfo for an IANA name, None for UTC, or raise for unknown names."""
    if name is None:
        return None
    if name in _UTC_NAMES:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"{label}: unknown timezone {name!r}") from exc


def _point(
    value: datetime | date, all_day: bool, zone: ZoneInfo | None, field: str
) -> datetime | date:
    """Return a date as is, or an aware datetime converted into the zone (or UTC)."""
    if all_day:
        if isinstance(value, datetime):
            raise ValueError(f"{field}: expected a date like the event start, got a datetime")
        if not isinstance(value, date):
            raise ValueError(f"{field}: expected a date, got {value!r}")
        return value
    if not isinstance(value, datetime):
        raise ValueError(f"{field}: expected an aware datetime like the event start, got a date")
    _require_aware(value, field)
    return value.astimezone(zone if zone is not None else UTC)


def _require_aware(value: datetime, field: str) -> None:
    """Raise if a datetime is naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field}: naive datetime {value.isoformat()}; give it a tzinfo")


def _utc(value: datetime, field: str) -> datetime:
    """Return an aware datetime in UTC or raise if it is naive or not a datetime."""
    if not isinstance(value, datetime):
        raise ValueError(f"{field}: expected an aware datetime, got {value!r}")
    _require_aware(value, field)
    return value.astimezone(UTC)


def _sort_key(value: datetime | date) -> datetime:
    """Return a comparable instant for a date or an aware datetime."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return datetime.combine(value, time())


def _parse_rrule(text: str, start: datetime | date, label: str) -> vRecur:
    """Parse and check an RRULE value such as ``FREQ=YEARLY;INTERVAL=2;COUNT=5``."""
    value = text.strip()
    if value.upper().startswith("RRULE:"):
        value = value[len("RRULE:") :]
    try:
        recur = vRecur.from_ical(value)
    except ValueError as exc:
        raise ValueError(f"{label}: invalid rrule {text!r}: {exc}") from exc
    parts = {str(key).upper() for key in recur}
    unknown = parts - _RRULE_PARTS
    if unknown or "FREQ" not in parts:
        problem = f"unknown parts {sorted(unknown)}" if unknown else "FREQ is missing"
        raise ValueError(f"{label}: invalid rrule {text!r}: {problem}")
    if {"UNTIL", "COUNT"} <= parts:
        raise ValueError(f"{label}: invalid rrule {text!r}: UNTIL and COUNT exclude each other")
    for part in ("COUNT", "INTERVAL"):
        if part in recur and int(recur[part][0]) < 1:
            raise ValueError(f"{label}: invalid rrule {text!r}: {part} must be positive")
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if isinstance(start, datetime):
            if not isinstance(until, datetime) or until.utcoffset() != timedelta(0):
                raise ValueError(
                    f"{label}: invalid rrule {text!r}: for a timed event UNTIL must be a UTC "
                    "date-time such as 20300101T000000Z"
                )
        elif isinstance(until, datetime):
            raise ValueError(
                f"{label}: invalid rrule {text!r}: for an all-day event UNTIL must be a date"
            )
    dtstart = start if isinstance(start, datetime) else datetime.combine(start, time())
    try:
        rrulestr(recur.to_ical().decode("ascii"), dtstart=dtstart)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"{label}: invalid rrule {text!r}: {exc}") from exc
    return recur


def _clean_text(value: str) -> str:
    """Normalise newlines and drop control characters that TEXT values may not contain."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _clean_param(value: str) -> str:
    """Make a parameter value (e.g. CN) safe for clients without RFC 6868 support."""
    return _PARAM_CONTROL.sub(" ", value).replace('"', "'").strip()


def _address(person: Attendee, field: str) -> vCalAddress:
    """Return a mailto: calendar address with CN, or raise for an unusable email."""
    email = person.email.strip()
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:") :]
    if not _EMAIL.fullmatch(email):
        raise ValueError(f"{field}: invalid email address {person.email!r}")
    address = vCalAddress(f"mailto:{email}")
    cn = _clean_param(person.name)
    if cn:
        address.params["CN"] = cn
    return address


def _build_event(item: _Prepared, method: str | None, dtstamp: datetime | None) -> Event:
    """Build the VEVENT for one prepared event."""
    event = item.event
    vevent = Event()
    vevent.add("UID", event.uid.strip())
    vevent.add("DTSTAMP", _stamp(event, dtstamp))
    vevent.add("DTSTART", item.start)
    vevent.add("DTEND", item.end)
    vevent.add("SUMMARY", _clean_text(event.title))
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("STATUS", item.status)
    if event.description:
        vevent.add("DESCRIPTION", _clean_text(event.description))
    if event.location:
        vevent.add("LOCATION", _clean_text(event.location))
    if event.url is not None:
        vevent.add("URL", event.url)
    categories = [_clean_text(c).strip() for c in event.categories]
    if any(categories):
        vevent.add("CATEGORIES", [c for c in categories if c])
    if event.created is not None:
        vevent.add("CREATED", event.created.astimezone(UTC))
    if event.last_modified is not None:
        vevent.add("LAST-MODIFIED", event.last_modified.astimezone(UTC))
    if item.rrule is not None:
        vevent.add("RRULE", item.rrule)
    if item.exdates:
        vevent.add("EXDATE", list(item.exdates))
    if item.recurrence_id is not None:
        vevent.add("RECURRENCE-ID", item.recurrence_id)
    if event.organizer is not None:
        vevent.add("ORGANIZER", _address(event.organizer, "organizer"))
    for attendee in event.attendees:
        address = _address(attendee, "attendee")
        address.params["ROLE"] = attendee.role.strip().upper()
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        if method == "REQUEST":
            address.params["RSVP"] = "TRUE"
        vevent.add("ATTENDEE", address)
    return vevent


def _stamp(event: CalEvent, dtstamp: datetime | None) -> datetime:
    """Return DTSTAMP: the argument, else last_modified, else created, else the start."""
    if dtstamp is not None:
        return dtstamp
    for value in (event.last_modified, event.created):
        if value is not None:
            return value.astimezone(UTC)
    if isinstance(event.start, datetime):
        return event.start.astimezone(UTC)
    return datetime.combine(event.start, time(), UTC)


def _zone_years(prepared: list[_Prepared]) -> dict[str, tuple[int, int]]:
    """Return, per TZID used, the first and last year its VTIMEZONE must describe."""
    years: dict[str, set[int]] = {}
    for item in prepared:
        if item.tzid is None:
            continue
        zone = ZoneInfo(item.tzid)
        points = [item.start, item.end, *item.exdates]
        if item.recurrence_id is not None:
            points.append(item.recurrence_id)
        if item.rrule is not None and "UNTIL" in item.rrule:
            points.append(item.rrule["UNTIL"][0])
        bucket = years.setdefault(item.tzid, set())
        for point in points:
            if isinstance(point, datetime):
                bucket.add(point.astimezone(zone).year)
    return {tzid: (min(ys) - 1, max(ys) + 1) for tzid, ys in years.items()}


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


def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
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
