"""Meeting operations and queries: plain functions that flush, never commit.

For other areas:
- `upcoming_occurrences(now, limit, include_unpublished=False)` -> list[UpcomingOccurrence]
  (home page, dashboard, /api/v1/events, feeds);
- `occurrences_between(start, end, include_unpublished=False)` -> the same, in a window;
- `calendar_events(include_unpublished=False, expanded=False, lang=None)` -> list[CalEvent]
  (series as master + RRULE + EXDATE + RECURRENCE-ID overrides, or expanded);
- `series_calevents(series, ...)`, `meeting_calevent(meeting, ...)` for one item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app import audit
from app.emails import normalise_email
from app.extensions import db
from app.feeds.ical import Attendee, CalEvent, event_to_ical
from app.feeds.uids import calendar_uid
from app.i18n import localized
from app.mail import OutboxMail, queue_templated
from app.meetings import recurrence, rotation
from app.meetings.models import (
    LANGUAGES,
    MAX_DURATION_MINUTES,
    Delegate,
    Meeting,
    MeetingSeries,
    OccurrenceChange,
    SeriesHost,
)
from app.meetings.recurrence import CANCELLED, CONFIRMED, MOVED, SKIPPED, Occurrence, Rule
from app.partners.models import Partner
from app.partners.services import home_timezone
from app.timeutil import is_valid_timezone, localize, to_local, utcnow

HORIZON_YEARS = 10  # how far ahead endless series are expanded
MAX_INTERVAL = 100
MAX_COUNT = 1000
KIND_MEETING = "meeting"


class MeetingError(ValueError):
    """Bad input, said in the user's language and tied to a form field."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


# --- identities and addresses -----------------------------------------------------------


def series_uid(series: MeetingSeries) -> str:
    """Return the iCal UID of a series (shared by all its occurrences)."""
    return calendar_uid("meeting-series", series.id)


def occurrence_uid(series: MeetingSeries, key: str) -> str:
    """Return a UID of one occurrence on its own (expanded feeds, the API)."""
    return calendar_uid("meeting-series", series.id, key)


def meeting_uid(meeting: Meeting) -> str:
    return calendar_uid("meeting", meeting.id)


def public_path(item: MeetingSeries | Meeting, key: str | None = None) -> str:
    """Return the public page of a series (at an occurrence) or a one-off meeting."""
    path = f"/meetings/{item.public_id}"
    return f"{path}#o{key}" if key else path


def absolute_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


# --- occurrences of a series ------------------------------------------------------------


@dataclass(frozen=True)
class SeriesOccurrence:
    """One occurrence of a series with its host."""

    series: MeetingSeries
    occurrence: Occurrence
    host: Partner | None
    scheduled_host: Partner | None  # by turn, before a swap or an explicit new host
    swap_reason: str = ""

    @property
    def key(self) -> str:
        return self.occurrence.key

    @property
    def start(self) -> datetime:
        return self.occurrence.start

    @property
    def end(self) -> datetime:
        return self.occurrence.end

    @property
    def timezone(self) -> str:
        return self.occurrence.timezone

    @property
    def status(self) -> str:
        return self.occurrence.status

    @property
    def venue(self) -> str:
        if self.occurrence.venue:
            return self.occurrence.venue
        if self.series.venue:
            return self.series.venue
        return self.host.name if self.host is not None else ""


def _instance_index(series: MeetingSeries, through: date) -> dict[datetime, int]:
    return {
        recurrence.original_start(local, series.timezone): k
        for k, local in enumerate(recurrence.local_starts(series.rule, through=through))
    }


def series_occurrences(
    series: MeetingSeries, *, through: date | None = None, include_removed: bool = False
) -> list[SeriesOccurrence]:
    """Return the occurrences of a series up to `through` (default: the horizon), by start."""
    if through is None:
        from_day = max(utcnow().date(), series.first_date)
        through = from_day + timedelta(days=366 * HORIZON_YEARS)
    rule = series.rule
    changes = {c.original_start: c for c in series.changes}
    last = max([through, *(k.date() + timedelta(days=2) for k in changes)])
    index_of = _instance_index(series, last)
    skips, swaps = [], []
    for c in changes.values():
        if c.original_start not in index_of:
            continue  # orphaned by an edit of the rule; left out, shown nowhere
        k = index_of[c.original_start]
        if c.skipped:
            skips.append(rotation.Skip(k, c.reason))
        if c.swap_with is not None and c.swap_with in index_of and c.original_start < c.swap_with:
            swaps.append(rotation.Swap(k, index_of[c.swap_with], c.swap_reason))
    swap_reason = {}
    for s in swaps:
        swap_reason[s.a] = swap_reason[s.b] = s.reason
    hosts_list = series.rotation

    def host_of(k: int) -> tuple[Partner | None, Partner | None]:
        if not hosts_list:
            return None, None
        scheduled = rotation.scheduled_host(k, hosts_list, skips)
        host = rotation.host(k, hosts_list, swaps, skips)
        return host, scheduled

    explicit_host = {
        index_of[c.original_start]: c.host
        for c in changes.values()
        if c.host is not None and c.original_start in index_of
    }

    def zone_for(k: int) -> str:
        host = explicit_host.get(k) or host_of(k)[0]
        if series.in_host_timezone and host is not None and is_valid_timezone(host.timezone):
            return host.timezone
        return series.timezone

    occurrences = recurrence.expand(
        rule,
        zone=series.timezone,
        duration=series.duration,
        through=through,
        changes={k: c.as_change() for k, c in changes.items()},
        zone_for=zone_for,
        include_removed=include_removed,
    )
    result = []
    for occ in occurrences:
        host, scheduled = host_of(occ.index)
        host = explicit_host.get(occ.index) or host
        result.append(
            SeriesOccurrence(
                series=series,
                occurrence=occ,
                host=host,
                scheduled_host=scheduled,
                swap_reason=swap_reason.get(occ.index, ""),
            )
        )
    return result


def find_occurrence(
    series: MeetingSeries, key: str, *, include_removed: bool = False
) -> SeriesOccurrence | None:
    """Return the occurrence of a series named by its key, or None if it has none."""
    original = recurrence.parse_key(key)
    if original is None:
        return None
    through = original.date() + timedelta(days=2)
    for occ in series_occurrences(series, through=through, include_removed=include_removed):
        if occ.occurrence.original_start == original:
            return occ
    return None


# --- upcoming, for pages, the API and the feeds -----------------------------------------


@dataclass(frozen=True)
class UpcomingOccurrence:
    """A plain view of one meeting occurrence, for pages, the API and feeds."""

    kind: str
    title_sv: str
    title_en: str
    start: datetime
    end: datetime
    timezone: str
    host: Partner | None
    venue: str
    path: str
    url: str
    uid: str
    status: str  # confirmed, moved (still CONFIRMED in iCal terms), cancelled
    item: MeetingSeries | Meeting
    key: str | None = None  # occurrence key of a series occurrence
    recurrence_id: datetime | None = None
    reason: str = ""
    swap_reason: str = ""
    published: bool = True

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def is_series(self) -> bool:
        return isinstance(self.item, MeetingSeries)


def _from_series(occ: SeriesOccurrence) -> UpcomingOccurrence:
    series = occ.series
    path = public_path(series, occ.key)
    return UpcomingOccurrence(
        kind=KIND_MEETING,
        title_sv=series.title_sv,
        title_en=series.title_en,
        start=occ.start,
        end=occ.end,
        timezone=occ.timezone,
        host=occ.host,
        venue=occ.venue,
        path=path,
        url=absolute_url(path),
        uid=occurrence_uid(series, occ.key),
        status=occ.status,
        item=series,
        key=occ.key,
        recurrence_id=occ.occurrence.original_start,
        reason=occ.occurrence.reason,
        swap_reason=occ.swap_reason,
        published=series.published,
    )


def _from_meeting(meeting: Meeting) -> UpcomingOccurrence:
    path = public_path(meeting)
    return UpcomingOccurrence(
        kind=KIND_MEETING,
        title_sv=meeting.title_sv,
        title_en=meeting.title_en,
        start=to_local(meeting.starts_at, meeting.timezone),
        end=to_local(meeting.ends_at, meeting.timezone),
        timezone=meeting.timezone,
        host=meeting.partner,
        venue=meeting.venue,
        path=path,
        url=absolute_url(path),
        uid=meeting_uid(meeting),
        status=CONFIRMED,
        item=meeting,
        published=meeting.published,
    )


def _series_query(include_unpublished: bool) -> sa.Select:
    query = sa.select(MeetingSeries).options(
        selectinload(MeetingSeries.hosts).joinedload(SeriesHost.partner),
        selectinload(MeetingSeries.changes).joinedload(OccurrenceChange.host),
    )
    if not include_unpublished:
        query = query.where(MeetingSeries.published.is_(True))
    return query.order_by(MeetingSeries.id)


def occurrences_between(
    start: datetime,
    end: datetime | None = None,
    *,
    include_unpublished: bool = False,
) -> list[UpcomingOccurrence]:
    """Return every meeting occurrence that ends after `start` and begins before `end`."""
    if start.tzinfo is None or (end is not None and end.tzinfo is None):
        raise ValueError("naive datetime")
    horizon = end or (start + timedelta(days=366 * HORIZON_YEARS))
    found: list[UpcomingOccurrence] = []
    for series in db.session.scalars(_series_query(include_unpublished)):
        through = horizon.astimezone(UTC).date() + timedelta(days=1)
        if end is None:  # an open window: show a series that starts far ahead too
            through = max(through, series.first_date + timedelta(days=366 * HORIZON_YEARS))
        for occ in series_occurrences(series, through=through):
            if occ.end > start and (end is None or occ.start < end):
                found.append(_from_series(occ))
    query = sa.select(Meeting).where(Meeting.ends_at > start, Meeting.cancelled_at.is_(None))
    if end is not None:
        query = query.where(Meeting.starts_at < end)
    if not include_unpublished:
        query = query.where(Meeting.published.is_(True))
    found.extend(_from_meeting(m) for m in db.session.scalars(query))
    found.sort(key=lambda o: (o.start, o.uid))
    return found


def upcoming_occurrences(
    now: datetime, limit: int | None = 20, include_unpublished: bool = False
) -> list[UpcomingOccurrence]:
    """Return the next meeting occurrences (series and one-off) not yet over at `now`."""
    found = occurrences_between(now, include_unpublished=include_unpublished)
    return found if limit is None else found[:limit]


# --- validation -------------------------------------------------------------------------


def _check_timezone(name: str | None, field: str = "timezone") -> str:
    name = (name or "").strip()
    if not is_valid_timezone(name):
        raise MeetingError(
            field,
            _l(
                "Unknown time zone %(zone)s. Use an IANA name such as Europe/Oslo.",
                zone=name or "–",
            ),
        )
    return name


def _check_duration(minutes: int | None, field: str = "duration_minutes") -> int:
    if minutes is None or minutes <= 0:
        raise MeetingError(field, _l("The duration must be more than zero minutes."))
    if minutes > MAX_DURATION_MINUTES:
        raise MeetingError(field, _l("A meeting may last at most 30 days."))
    return minutes


def _check_rule(rule: Rule) -> None:
    if rule.freq not in recurrence.FREQS:
        raise MeetingError("freq", _l("Choose years or months."))
    if rule.interval is None or rule.interval < 1:
        raise MeetingError("interval", _l("The interval must be at least 1."))
    if rule.interval > MAX_INTERVAL:
        raise MeetingError("interval", _l("The interval can be at most 100."))
    if rule.until is not None and rule.until < rule.first_date:
        raise MeetingError("until_date", _l("The end date cannot be before the first date."))
    if rule.count is not None and not 1 <= rule.count <= MAX_COUNT:
        raise MeetingError("count", _l("The number of meetings must be between 1 and 1000."))
    if rule.until is not None and rule.count is not None:
        raise MeetingError("count", _l("Give an end date or a number of meetings, not both."))


def _check_titles(title_sv: str, title_en: str) -> None:
    if not (title_sv or "").strip() and not (title_en or "").strip():
        raise MeetingError("title_sv", _l("Give a title in Swedish or English."))


# --- series -----------------------------------------------------------------------------


def _rotation_partners(host_ids: Sequence[int]) -> list[Partner]:
    ids = [int(i) for i in host_ids]
    if not ids:
        raise MeetingError("host_1", _l("Choose at least one host for the rotation."))
    if len(set(ids)) != len(ids):
        raise MeetingError("host_1", _l("Each host may appear once in the rotation."))
    partners = {p.id: p for p in db.session.scalars(sa.select(Partner).where(Partner.id.in_(ids)))}
    if len(partners) != len(ids):
        raise MeetingError("host_1", _l("Choose hosts from the list of partners."))
    return [partners[i] for i in ids]


def _series_values(values: dict, default_zone: str) -> dict:
    """Check and normalise the fields of a series; raise MeetingError on the first problem."""
    _check_titles(values.get("title_sv", ""), values.get("title_en", ""))
    rule = Rule(
        freq=values["freq"],
        interval=values["interval"] if values.get("interval") is not None else 0,
        first_date=values["first_date"],
        start_time=values["start_time"],
        until=values.get("until_date"),
        count=values.get("count"),
    )
    _check_rule(rule)
    return {
        "title_sv": (values.get("title_sv") or "").strip(),
        "title_en": (values.get("title_en") or "").strip(),
        "description_sv": (values.get("description_sv") or "").strip(),
        "description_en": (values.get("description_en") or "").strip(),
        "freq": rule.freq,
        "interval": rule.interval,
        "first_date": rule.first_date,
        "until_date": rule.until,
        "count": rule.count,
        "start_time": rule.start_time,
        "duration_minutes": _check_duration(values.get("duration_minutes")),
        "timezone": _check_timezone((values.get("timezone") or "").strip() or default_zone),
        "in_host_timezone": bool(values.get("in_host_timezone")),
        "venue": (values.get("venue") or "").strip(),
        "published": bool(values.get("published")),
    }


def _default_zone(partner: Partner | None) -> str:
    """Return the zone a meeting gets when none is given: its host city's, else home's."""
    if partner is not None and partner.timezone and is_valid_timezone(partner.timezone):
        return partner.timezone
    return home_timezone()


def _set_rotation(series: MeetingSeries, partners: list[Partner]) -> None:
    series.hosts.clear()
    db.session.flush()
    for position, partner in enumerate(partners):
        series.hosts.append(SeriesHost(position=position, partner=partner))


def create_series(*, host_ids: Sequence[int], **values: object) -> MeetingSeries:
    """Add a series with its host rotation (in the order given)."""
    partners = _rotation_partners(host_ids)
    fields = _series_values(values, _default_zone(partners[0]))
    series = MeetingSeries(**fields)
    db.session.add(series)
    _set_rotation(series, partners)
    db.session.flush()
    audit.record(
        audit.CREATE, series, summary=f"Meeting series {series.title_en or series.title_sv}"
    )
    return series


_TIMING = ("freq", "interval", "first_date", "until_date", "count", "start_time", "timezone")


def update_series(
    series: MeetingSeries, *, host_ids: Sequence[int], **values: object
) -> MeetingSeries:
    """Change a series; refuse a change of its timing that would orphan changed occurrences."""
    partners = _rotation_partners(host_ids)
    fields = _series_values(values, _default_zone(partners[0]))
    before = audit.snapshot(series)
    before["hosts"] = [p.slug for p in series.rotation]
    timing_changed = any(getattr(series, f) != fields[f] for f in _TIMING)
    if timing_changed and series.changes:
        probe_rule = Rule(
            freq=fields["freq"],
            interval=fields["interval"],
            first_date=fields["first_date"],
            start_time=fields["start_time"],
            until=fields["until_date"],
            count=fields["count"],
        )
        last = max(c.original_start for c in series.changes).date() + timedelta(days=2)
        keys = {
            recurrence.original_start(local, fields["timezone"])
            for local in recurrence.local_starts(probe_rule, through=last)
        }
        if any(c.original_start not in keys for c in series.changes):
            raise MeetingError(
                "first_date",
                _l(
                    "Occurrences of this series have been moved, cancelled or swapped; "
                    "undo those changes before changing when the series meets."
                ),
            )
    for name, value in fields.items():
        setattr(series, name, value)
    if [p.id for p in series.rotation] != [p.id for p in partners]:
        _set_rotation(series, partners)
    if timing_changed or db.session.is_modified(series):
        series.sequence += 1
    db.session.flush()
    after = audit.snapshot(series)
    after["hosts"] = [p.slug for p in partners]
    audit.record(audit.UPDATE, series, before=before, after=after, summary="Meeting series changed")
    return series


def _change_for(series: MeetingSeries, original: datetime) -> OccurrenceChange:
    for change in series.changes:
        if change.original_start == original:
            return change
    change = OccurrenceChange(series=series, original_start=original, sequence=0)
    series.changes.append(change)
    return change


def _occurrence_or_error(
    series: MeetingSeries, key: str, field: str = "occurrence"
) -> SeriesOccurrence:
    occ = find_occurrence(series, key or "")
    if occ is None:
        raise MeetingError(field, _l("This series has no meeting at that time."))
    return occ


def move_occurrence(
    series: MeetingSeries,
    key: str,
    *,
    new_date: date | None = None,
    new_time: time | None = None,
    new_timezone: str | None = None,
    venue: str | None = None,
    host: Partner | None = None,
    reason: str = "",
) -> SeriesOccurrence:
    """Move one occurrence (date, time, zone, venue or host); its identity stays the same."""
    occ = _occurrence_or_error(series, key)
    if new_timezone:
        new_timezone = _check_timezone(new_timezone, "new_timezone")
    if not (new_date or new_time or new_timezone or venue or host):
        raise MeetingError("new_date", _l("Give a new date, time, time zone, venue or host."))
    change = _change_for(series, occ.occurrence.original_start)
    before = audit.snapshot(change) if change.id else None
    change.new_date = new_date or change.new_date
    change.new_time = new_time or change.new_time
    change.new_timezone = new_timezone or change.new_timezone
    change.venue = (venue or "").strip() or change.venue
    change.host = host or change.host
    change.reason = (reason or "").strip() or change.reason
    change.sequence = (change.sequence or 0) + 1
    db.session.flush()
    audit.record(
        audit.UPDATE if before else audit.CREATE,
        change,
        before=before,
        summary=f"Occurrence {occ.key} of series {series.id} moved",
    )
    moved = find_occurrence(series, occ.key)
    assert moved is not None  # the identity never changes
    return moved


def cancel_occurrence(
    series: MeetingSeries, key: str, *, reason: str = "", skip: bool = False
) -> OccurrenceChange:
    """Cancel one occurrence; with skip, the host rotation waits for the next one."""
    occ = _occurrence_or_error(series, key)
    if skip and occ.swap_reason:
        raise MeetingError("skip", _l("A meeting whose host was swapped cannot be skipped."))
    change = _change_for(series, occ.occurrence.original_start)
    before = audit.snapshot(change) if change.id else None
    change.cancelled = not skip
    change.skipped = skip
    change.reason = (reason or "").strip()
    change.sequence = (change.sequence or 0) + 1
    db.session.flush()
    audit.record(
        audit.UPDATE if before else audit.CREATE,
        change,
        before=before,
        summary=f"Occurrence {occ.key} of series {series.id} {'skipped' if skip else 'cancelled'}",
    )
    return change


def swap_hosts(series: MeetingSeries, key_a: str, key_b: str, *, reason: str) -> None:
    """Exchange the hosts of two occurrences, recording the reason."""
    if not (reason or "").strip():
        raise MeetingError("reason", _l("Say why the hosts are swapped."))
    a = _occurrence_or_error(series, key_a, "occurrence")
    b = _occurrence_or_error(series, key_b, "other")
    if a.key == b.key:
        raise MeetingError("other", _l("Choose two different meetings."))
    if a.swap_reason or b.swap_reason:
        raise MeetingError("other", _l("One of these meetings has already swapped its host."))
    first, second = sorted((a, b), key=lambda o: o.occurrence.original_start)
    change = _change_for(series, first.occurrence.original_start)
    other = _change_for(series, second.occurrence.original_start)
    change.swap_with = second.occurrence.original_start
    change.swap_reason = other.swap_reason = reason.strip()
    change.sequence = (change.sequence or 0) + 1
    other.sequence = (other.sequence or 0) + 1
    db.session.flush()
    audit.record(
        audit.UPDATE,
        change,
        summary=f"Hosts of {first.key} and {second.key} of series {series.id} swapped",
    )


def restore_occurrence(series: MeetingSeries, key: str) -> None:
    """Undo every change to one occurrence (and the swap it takes part in)."""
    original = recurrence.parse_key(key)
    for change in list(series.changes):
        if change.original_start == original or change.swap_with == original:
            audit.record(audit.DELETE, change, summary=f"Changes to occurrence {key} undone")
            series.changes.remove(change)
    db.session.flush()


def set_published(item: MeetingSeries | Meeting, published: bool) -> None:
    """Publish or withdraw a series or a one-off meeting."""
    before = audit.snapshot(item)
    item.published = published
    db.session.flush()
    audit.record(
        audit.UPDATE, item, before=before, summary="published" if published else "withdrawn"
    )


# --- one-off meetings -------------------------------------------------------------------


def _meeting_values(values: dict) -> dict:
    _check_titles(values.get("title_sv", ""), values.get("title_en", ""))
    raw_partner = str(values.get("partner_id") or "")
    partner = (
        db.session.get(Partner, int(raw_partner))
        if raw_partner.isascii() and raw_partner.isdigit() and len(raw_partner) < 10
        else None
    )
    if partner is None:
        raise MeetingError("partner_id", _l("Choose a partner or network."))
    zone = _check_timezone((values.get("timezone") or "").strip() or _default_zone(partner))
    start_date, start_time = values.get("start_date"), values.get("start_time")
    if start_date is None or start_time is None:
        raise MeetingError("start_date", _l("Give the date and time the meeting starts."))
    starts = localize(start_date, start_time, zone)
    end_date = values.get("end_date") or start_date
    end_time = values.get("end_time")
    if end_time is None:
        raise MeetingError("end_time", _l("Give the time the meeting ends."))
    ends = localize(end_date, end_time, zone)
    minutes = (ends - starts).total_seconds() / 60
    if minutes <= 0:
        raise MeetingError("end_time", _l("The meeting must end after it starts."))
    if minutes > MAX_DURATION_MINUTES:
        raise MeetingError("end_date", _l("A meeting may last at most 30 days."))
    return {
        "title_sv": (values.get("title_sv") or "").strip(),
        "title_en": (values.get("title_en") or "").strip(),
        "partner": partner,
        "venue": (values.get("venue") or "").strip(),
        "agenda": (values.get("agenda") or "").strip(),
        "timezone": zone,
        "starts_at": starts.astimezone(UTC),
        "ends_at": ends.astimezone(UTC),
        "published": bool(values.get("published")),
    }


def create_meeting(**values: object) -> Meeting:
    """Add a one-off meeting with a partner or network."""
    meeting = Meeting(**_meeting_values(values))
    db.session.add(meeting)
    db.session.flush()
    audit.record(audit.CREATE, meeting, summary=f"Meeting {meeting.title_en or meeting.title_sv}")
    return meeting


@dataclass(frozen=True)
class MeetingVersion:
    """What a delegate's calendar holds of a one-off meeting: shown as "before" in updates."""

    title_sv: str
    title_en: str
    partner_name: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingVersion:
        return cls(
            title_sv=meeting.title_sv,
            title_en=meeting.title_en,
            partner_name=meeting.partner.name,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            timezone=meeting.timezone,
            venue=meeting.venue,
        )


# What changed, in the order an update mail lists it. Only these reach delegates'
# calendars; the agenda and the published flag do not.
CHANGE_WHEN, CHANGE_TIMEZONE, CHANGE_VENUE, CHANGE_TITLE, CHANGE_PARTNER = (
    "when",
    "timezone",
    "venue",
    "title",
    "partner",
)


def meeting_changes(old: MeetingVersion, new: MeetingVersion) -> list[str]:
    """Return what differs between two versions of a meeting (CHANGE_* names, in order)."""
    found = []
    if (old.starts_at, old.ends_at) != (new.starts_at, new.ends_at):
        found.append(CHANGE_WHEN)
    if old.timezone != new.timezone:
        found.append(CHANGE_TIMEZONE)
    if old.venue != new.venue:
        found.append(CHANGE_VENUE)
    if (old.title_sv, old.title_en) != (new.title_sv, new.title_en):
        found.append(CHANGE_TITLE)
    if old.partner_name != new.partner_name:
        found.append(CHANGE_PARTNER)
    return found


def _refuse_if_cancelled(meeting: Meeting, field: str) -> None:
    if meeting.cancelled:
        raise MeetingError(
            field, _l("This meeting has been cancelled and can no longer be changed.")
        )


def update_meeting(meeting: Meeting, **values: object) -> Meeting:
    """Change a one-off meeting.

    A new date, time, duration, zone, venue, title or partner raises its sequence and
    queues an updated invitation (METHOD:REQUEST, saying what changed) to every delegate
    already invited; a change of the agenda alone, or a save without changes, mails nobody.
    """
    _refuse_if_cancelled(meeting, "title_sv")
    fields = _meeting_values(values)
    before = audit.snapshot(meeting)
    previous = MeetingVersion.of(meeting)
    for name, value in fields.items():
        setattr(meeting, name, value)
    changes = meeting_changes(previous, MeetingVersion.of(meeting))
    if changes:
        meeting.sequence += 1
    db.session.flush()
    mails = send_updates(meeting, previous, changes) if changes else []
    summary = "Meeting changed"
    if mails:
        summary += f"; updated invitations queued for {len(mails)} delegates"
    audit.record(audit.UPDATE, meeting, before=before, summary=summary)
    return meeting


def cancel_meeting(meeting: Meeting, *, reason: str) -> list[OutboxMail]:
    """Cancel a one-off meeting, saying why; every invited delegate gets a METHOD:CANCEL.

    The meeting leaves the lists and feeds; its page stays and says it is cancelled.
    """
    reason = (reason or "").strip()
    if meeting.cancelled:
        raise MeetingError("reason", _l("This meeting has already been cancelled."))
    if not reason:
        raise MeetingError("reason", _l("Say why the meeting is cancelled."))
    if len(reason) > 500:
        raise MeetingError("reason", _l("Use at most %(max)d characters.", max=500))
    before = audit.snapshot(meeting)
    meeting.cancelled_at = utcnow()
    meeting.cancel_reason = reason
    meeting.sequence += 1
    db.session.flush()
    mails = [
        _queue_cancellation(meeting, d) for d in meeting.delegates if d.invited_sequence is not None
    ]
    audit.record(
        audit.UPDATE,
        meeting,
        before=before,
        summary=f"Meeting cancelled; cancellations queued for {len(mails)} delegates",
    )
    return mails


def add_delegate(meeting: Meeting, **values: str) -> Delegate:
    """Add a delegate to a one-off meeting."""
    _refuse_if_cancelled(meeting, "name")
    name = (values.get("name") or "").strip()
    email = (values.get("email") or "").strip()
    if not name:
        raise MeetingError("name", _l("Give the delegate's name."))
    try:
        email = normalise_email(email)
    except ValueError:
        raise MeetingError("email", _l("Give one valid e-mail address, such as name@example.org."))
    if any(d.email.casefold() == email.casefold() for d in meeting.delegates):
        raise MeetingError("email", _l("This delegate is already on the list."))
    language = values.get("language") or "sv"
    if language not in LANGUAGES:
        raise MeetingError("language", _l("Choose Swedish or English."))
    delegate = Delegate(
        meeting=meeting,
        name=name,
        email=email,
        role=(values.get("role") or "").strip(),
        organisation=(values.get("organisation") or "").strip(),
        city=(values.get("city") or "").strip(),
        language=language,
    )
    db.session.add(delegate)
    db.session.flush()
    audit.record(audit.CREATE, delegate, summary=f"Delegate {name} added to meeting {meeting.id}")
    return delegate


def remove_delegate(delegate: Delegate) -> OutboxMail | None:
    """Take a delegate off a meeting; one who was invited gets a METHOD:CANCEL.

    The meeting's sequence is raised (its attendee list changed, RFC 5546 3.2.5), so a
    later invitation, should the delegate be added again, supersedes the cancellation.
    """
    meeting = delegate.meeting
    mail = None
    if delegate.invited_sequence is not None and not meeting.cancelled:
        meeting.sequence += 1
        db.session.flush()
        mail = _queue_cancellation(meeting, delegate, removed=True)
    audit.record(
        audit.DELETE,
        delegate,
        before=audit.snapshot(delegate),
        summary="Delegate removed" + ("; cancellation queued" if mail else ""),
    )
    meeting.delegates.remove(delegate)
    db.session.delete(delegate)
    db.session.flush()
    return mail


# --- iCal -------------------------------------------------------------------------------


def _organizer() -> Attendee:
    from email.utils import parseaddr

    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return Attendee(email=address, name=name or "Vänort", role="CHAIR")


def meeting_calevent(
    meeting: Meeting, *, lang: str | None = None, attendees: Iterable[Attendee] = ()
) -> CalEvent:
    """Return the CalEvent of a one-off meeting."""
    attendees = tuple(attendees)
    return CalEvent(
        uid=meeting_uid(meeting),
        title=localized(meeting, "title", lang),
        start=meeting.starts_at,
        end=meeting.ends_at,
        timezone=meeting.timezone,
        description=meeting.agenda,
        location=meeting.venue or meeting.partner.name,
        url=absolute_url(public_path(meeting)),
        status="CANCELLED" if meeting.cancelled else "CONFIRMED",
        categories=("meeting",),
        sequence=meeting.sequence,
        last_modified=meeting.updated_at,
        created=meeting.created_at,
        organizer=_organizer() if attendees else None,
        attendees=attendees,
    )


def _occurrence_calevent(occ: SeriesOccurrence, lang: str | None, *, as_override: bool) -> CalEvent:
    series = occ.series
    host = occ.host.name if occ.host is not None else ""
    return CalEvent(
        uid=series_uid(series) if as_override else occurrence_uid(series, occ.key),
        title=localized(series, "title", lang),
        start=occ.start,
        end=occ.end,
        timezone=occ.timezone,
        description=localized(series, "description", lang),
        location=occ.venue or host,
        url=absolute_url(public_path(series, occ.key)),
        status="CANCELLED" if occ.status in (CANCELLED, SKIPPED) else "CONFIRMED",
        categories=("meeting",),
        sequence=series.sequence + occ.occurrence.sequence,
        last_modified=series.updated_at,
        created=series.created_at,
        recurrence_id=occ.occurrence.original_start if as_override else None,
    )


def series_calevents(
    series: MeetingSeries,
    *,
    lang: str | None = None,
    expanded: bool = False,
    start: datetime | None = None,
    through: date | None = None,
) -> list[CalEvent]:
    """Return a series as a master (RRULE, EXDATE) plus RECURRENCE-ID overrides, or expanded.

    Overrides are written for the occurrences, up to `through`, that differ from what the
    RRULE alone says (moved, held in another zone, another venue or host). Expanded,
    each occurrence from `start` to `through` is an event of its own.
    """
    occurrences = series_occurrences(series, through=through, include_removed=not expanded)
    if expanded:
        return [
            _occurrence_calevent(o, lang, as_override=False)
            for o in occurrences
            if start is None or o.end > start
        ]
    rule = series.rule
    first_local = datetime.combine(rule.first_date, rule.start_time)
    master_start = localize(first_local.date(), first_local.time(), series.timezone)
    rrule_text = rule.ical()
    if rule.until is not None:
        until = localize(rule.until, time(23, 59, 59), series.timezone).astimezone(UTC)
        rrule_text += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ")
    exdates = tuple(
        o.occurrence.original_start for o in occurrences if o.status in (CANCELLED, SKIPPED)
    )
    master = CalEvent(
        uid=series_uid(series),
        title=localized(series, "title", lang),
        start=master_start,
        end=master_start + series.duration,
        timezone=series.timezone,
        description=localized(series, "description", lang),
        location=series.venue,
        url=absolute_url(public_path(series)),
        categories=("meeting",),
        sequence=series.sequence,
        last_modified=series.updated_at,
        created=series.created_at,
        rrule=rrule_text,
        exdates=exdates,
    )
    events = [master]
    for occ in occurrences:
        if occ.status in (CANCELLED, SKIPPED):
            continue
        differs = (
            occ.status == MOVED
            or occ.start != occ.occurrence.original_start
            or occ.timezone != series.timezone
            or (occ.venue or "") != series.venue
        )
        if differs:
            events.append(_occurrence_calevent(occ, lang, as_override=True))
    return events


def calendar_events(
    *,
    include_unpublished: bool = False,
    expanded: bool = False,
    lang: str | None = None,
    start: datetime | None = None,
) -> list[CalEvent]:
    """Return every meeting as CalEvents (for the feeds of the calendar step)."""
    events: list[CalEvent] = []
    for series in db.session.scalars(_series_query(include_unpublished)):
        events.extend(series_calevents(series, lang=lang, expanded=expanded, start=start))
    query = (
        sa.select(Meeting)
        .where(Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if not include_unpublished:
        query = query.where(Meeting.published.is_(True))
    if start is not None:
        query = query.where(Meeting.ends_at > start)
    events.extend(meeting_calevent(m, lang=lang) for m in db.session.scalars(query))
    return events


# --- invitations ------------------------------------------------------------------------


def invitation_key(meeting: Meeting, delegate: Delegate) -> str:
    return f"meeting-invitation:{meeting.id}:{delegate.id}:{meeting.sequence}"


def _mail_context(meeting: Meeting, delegate: Delegate) -> dict:
    return {
        "meeting": meeting,
        "delegate": delegate,
        "lang": delegate.language,
        "home_zone": home_timezone(),
        "url": absolute_url(public_path(meeting)),
    }


def _ics_for(meeting: Meeting, delegate: Delegate, method: str) -> bytes:
    attendee = Attendee(email=delegate.email, name=delegate.name)
    event = meeting_calevent(meeting, lang=delegate.language, attendees=(attendee,))
    return event_to_ical(event, method=method, dtstamp=meeting.updated_at)


def _queue_invitation(meeting: Meeting, delegate: Delegate, **extra: object) -> OutboxMail:
    """Queue the invitation (or update) of this version of the meeting to one delegate."""
    template = "meetings/mail/update" if extra.get("changes") else "meetings/mail/invitation"
    mail = queue_templated(
        key=invitation_key(meeting, delegate),
        to=delegate.email,
        template=template,
        language=delegate.language,
        ics=_ics_for(meeting, delegate, "REQUEST"),
        ics_method="REQUEST",
        ics_filename="invitation.ics",
        **_mail_context(meeting, delegate),
        **extra,
    )
    delegate.invited_sequence = meeting.sequence
    return mail


def cancellation_key(meeting: Meeting, delegate: Delegate) -> str:
    return f"meeting-cancellation:{meeting.id}:{delegate.id}:{meeting.sequence}"


def _queue_cancellation(
    meeting: Meeting, delegate: Delegate, *, removed: bool = False
) -> OutboxMail:
    """Queue a METHOD:CANCEL of the meeting (cancelled, or the delegate removed) to one."""
    return queue_templated(
        key=cancellation_key(meeting, delegate),
        to=delegate.email,
        template="meetings/mail/cancellation",
        language=delegate.language,
        ics=_ics_for(meeting, delegate, "CANCEL"),
        ics_method="CANCEL",
        ics_filename="cancellation.ics",
        removed=removed,
        **_mail_context(meeting, delegate),
    )


def invite_delegates(meeting: Meeting) -> list[OutboxMail]:
    """Queue an invitation with an .ics (METHOD:REQUEST) to each delegate not yet invited.

    Delegates already invited are kept up to date by `update_meeting`; inviting again
    mails nobody twice. A cancelled meeting invites nobody.
    """
    if meeting.cancelled:
        return []
    return [_queue_invitation(meeting, d) for d in meeting.delegates if d.invited_sequence is None]


def send_updates(
    meeting: Meeting, previous: MeetingVersion, changes: Sequence[str]
) -> list[OutboxMail]:
    """Queue the new version (METHOD:REQUEST, same UID, new SEQUENCE) to invited delegates."""
    return [
        _queue_invitation(meeting, d, changes=tuple(changes), previous=previous)
        for d in meeting.delegates
        if d.invited_sequence is not None
    ]
