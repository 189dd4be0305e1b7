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
* Every ``TZID`` used gets exactly one ``VTIMEZONE`` (``app.feeds.vtimezone``), describing the
  zone from the year before the earliest to the year after the latest local date the events use
  with it.
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
* Speed: a feed of 10,000 events is written faster than with icalendar alone, and again
  in a fraction of that when a `cache` (any mutable mapping, e.g. `EventCache`) is
  passed: each event's VEVENT bytes are kept under the event itself (a frozen value, so
  any change to it is a new key) with the method and DTSTAMP, so only changed events are
  serialised again. VTIMEZONE blocks are kept as bytes per zone and span of years.
  Content lines are folded as icalendar folds them, without its per-character loop for
  the lines (nearly all) that need no folding.
* Limitation: a local time inside the repeated hour when clocks go back (``fold=1``) is written
  as that wall time, which RFC 5545 readers take as its first occurrence.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from icalendar import Calendar, Component, Event, vCalAddress, vDuration, vRecur, vText

from app.feeds.events import Attendee, CalEvent
from app.feeds.vtimezone import vtimezone

__all__ = ["PRODID", "Attendee", "CalEvent", "EventCache", "event_to_ical", "events_to_ical"]

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
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PARAM_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+")


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
class _Written:
    """Hold what the calendar needs of one event once it is serialised."""

    unique: tuple[str, datetime | date | None]  # UID and RECURRENCE-ID, for duplicates
    years: tuple[tuple[str, frozenset[int]], ...]  # TZID -> local years its instants use
    open_tzid: str | None  # the TZID of an RRULE with neither UNTIL nor COUNT
    open_start_year: int  # its first year
    body: bytes  # the VEVENT, folded, ending in CRLF


class EventCache(MutableMapping):
    """A thread-safe LRU of serialised events for `events_to_ical(..., cache=...)`."""

    def __init__(self, max_entries: int = 50_000) -> None:
        self._entries: OrderedDict[Hashable, _Written] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def __getitem__(self, key: Hashable) -> _Written:
        with self._lock:
            value = self._entries[key]
            self._entries.move_to_end(key)
            return value

    def __setitem__(self, key: Hashable, value: _Written) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __delitem__(self, key: Hashable) -> None:
        with self._lock:
            del self._entries[key]

    def __iter__(self):
        with self._lock:
            return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)


def events_to_ical(
    events: Iterable[CalEvent],
    *,
    name: str,
    description: str = "",
    method: str | None = None,
    refresh_minutes: int | None = 60,
    dtstamp: datetime | None = None,
    through_year: int | None = None,
    cache: MutableMapping | None = None,
) -> bytes:
    """Serialise events into one VCALENDAR, e.g. a subscription feed.

    `through_year` is the last year the feed covers: VTIMEZONEs of open-ended rules are
    exact up to it (default: ten years after each such rule starts). `cache` keeps each
    event's VEVENT for the next call (see the module docstring).
    """
    return _serialise(
        list(events),
        name=name,
        description=description,
        method=method,
        refresh_minutes=refresh_minutes,
        dtstamp=dtstamp,
        through_year=through_year,
        cache=cache,
    )


def event_to_ical(
    event: CalEvent, *, method: str = "PUBLISH", dtstamp: datetime | None = None
) -> bytes:
    """Serialise one event into a VCALENDAR, e.g. an invitation attachment."""
    return _serialise(
        [event],
        name=None,
        description="",
        method=method,
        refresh_minutes=None,
        dtstamp=dtstamp,
        through_year=None,
        cache=None,
    )


def _serialise(
    events: list[CalEvent],
    *,
    name: str | None,
    description: str,
    method: str | None,
    refresh_minutes: int | None,
    dtstamp: datetime | None,
    through_year: int | None,
    cache: MutableMapping | None,
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
    written = [_written(event, method_name, stamp, cache) for event in events]
    _check_unique(written)

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
    head = _component_bytes(cal)
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    parts = [head[: -len(end)]]
    for tzid, (first_year, last_year) in sorted(_zone_years(written, through_year).items()):
        parts.append(_vtimezone_bytes(tzid, first_year, last_year))
    parts.extend(item.body for item in written)
    parts.append(end)
    return b"".join(parts)


def _written(
    event: CalEvent, method: str | None, stamp: datetime | None, cache: MutableMapping | None
) -> _Written:
    """Return an event serialised: from the cache when this very event was written before."""
    key = (event, method, stamp)
    if cache is not None:
        try:
            return cache[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable field (a list given for a tuple): not cacheable
            cache = None
    item = _prepare(event)
    if method == "REQUEST" and item.event.organizer is None:
        raise ValueError(f"event {item.event.uid!r}: METHOD:REQUEST needs an organizer")
    rid = item.recurrence_id
    years, open_tzid = _event_years(item)
    done = _Written(
        unique=(item.event.uid.strip(), rid.astimezone(UTC) if isinstance(rid, datetime) else rid),
        years=tuple((tzid, frozenset(ys)) for tzid, ys in years.items()),
        open_tzid=open_tzid,
        open_start_year=item.start.year,
        body=_component_bytes(_build_event(item, method, stamp)),
    )
    if cache is not None:
        cache[key] = done
    return done


def _component_bytes(component: Component) -> bytes:
    """Return a component as icalendar writes it, folding only the lines that need it."""
    lines = []
    for line in component.content_lines():
        if not line:
            continue
        raw = line.encode("utf-8")
        # icalendar folds a line once it would reach 75 octets: shorter ones stay whole.
        lines.append(raw if len(raw) < 75 else line.to_ical())
    return b"\r\n".join(lines) + b"\r\n"


@lru_cache(maxsize=512)
def _vtimezone_bytes(tzid: str, first_year: int, last_year: int) -> bytes:
    """Return a VTIMEZONE block, computed once per zone and span of years."""
    return _component_bytes(vtimezone(tzid, first_year, last_year))


def _check_method(method: str | None) -> str | None:
    """Return the upper-cased iTIP method or raise if it is unknown."""
    if method is None:
        return None
    upper = method.strip().upper()
    if upper not in METHODS:
        raise ValueError(f"unknown METHOD {method!r}; expected one of {sorted(METHODS)}")
    return upper


def _check_unique(written: list[_Written]) -> None:
    """Raise if two events share a UID and RECURRENCE-ID (clients would drop one)."""
    seen: set[tuple[str, datetime | date | None]] = set()
    for item in written:
        key = item.unique
        if key in seen:
            uid, rid = key
            what = "recurrence-id " + str(rid) if rid is not None else "no recurrence-id"
            raise ValueError(f"duplicate event uid {uid!r} with {what}")
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
    rid_zone = zone
    if event.recurrence_timezone is not None and not all_day:
        rid_zone = _zone(event.recurrence_timezone, f"{label} recurrence_timezone")
    recurrence_id = (
        None
        if event.recurrence_id is None
        else _point(event.recurrence_id, all_day, rid_zone, f"{label} recurrence_id")
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
    if zone is not None and isinstance(value.tzinfo, ZoneInfo) and value.tzinfo.key == zone.key:
        # Already a wall time in the zone: kept as given, so a series' first meeting set at
        # a time the clocks skip that day (02:30 on the spring-forward night) keeps its
        # nominal time, which the RRULE repeats (RFC 5545 3.3.5 shifts that one day).
        return value
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


def _count_last_year(item: _Prepared) -> int:
    """Return the last year an RRULE with COUNT meets."""
    start = item.start
    assert isinstance(start, datetime) and item.rrule is not None
    rule = rrulestr(item.rrule.to_ical().decode("ascii"), dtstart=start.replace(tzinfo=None))
    return max(start.year, *(d.year for d in rule))


def _event_years(item: _Prepared) -> tuple[dict[str, set[int]], str | None]:
    """Return, per TZID, the local years one event's instants use, and the TZID of an
    open-ended RRULE (neither UNTIL nor COUNT), whose last year is the feed's horizon."""
    years: dict[str, set[int]] = {}
    if item.tzid is None:
        return years, None
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
    open_tzid = None
    if item.rrule is not None and "UNTIL" not in item.rrule:
        if "COUNT" in item.rrule:
            bucket.add(_count_last_year(item))
        else:
            open_tzid = item.tzid
    rid = item.recurrence_id
    if isinstance(rid, datetime) and rid.tzinfo is not None and rid.tzinfo is not UTC:
        rid_tzid = str(rid.tzinfo.key)  # the master's zone, when not the override's own
        years.setdefault(rid_tzid, set()).add(rid.year)
    return years, open_tzid


def _zone_years(
    written: list[_Written], through_year: int | None = None
) -> dict[str, tuple[int, int]]:
    """Return, per TZID used, the first and last year its VTIMEZONE must describe.

    An open-ended RRULE is described to `through_year` (the feed's horizon), so a zone
    that later drops or starts daylight saving time is exact over the whole feed.
    """
    years: dict[str, set[int]] = {}
    for item in written:
        for tzid, ys in item.years:
            years.setdefault(tzid, set()).update(ys)
        if item.open_tzid is not None:
            last = through_year if through_year is not None else item.open_start_year + 10
            years[item.open_tzid].add(max(item.open_start_year, last))
    return {tzid: (min(ys) - 1, max(ys) + 1) for tzid, ys in years.items()}
