"""Occurrences of meetings: a series expanded with its changes and host rotation, and
every meeting (series occurrences and one-off meetings) in a window of time.

For other areas:
- `upcoming_occurrences(now, limit, include_unpublished=False)` -> list[UpcomingOccurrence]
  (home page, dashboard);
- `occurrences_between(start, end, include_unpublished=False, ..., host_id=, limit=)` ->
  the same, in a window (/api/v1/events, the calendar pages);
- `coming_for_partner(partner, now, limit)` -> the coming ones with a partner (its page);
- `series_between(start, end, ...)` -> list[SeriesOccurrence] (the reminders' sources);
- `hosted_between(start, end)` -> who hosts each meeting and when (the dashboard).
Windows read series from the per-process index (`app.meetings.index`), one-off meetings
from the database, each only as many as are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import localized
from app.installation import calendar_uid
from app.meetings import recurrence, rotation
from app.meetings.links import absolute_url, meeting_uid, occurrence_uid, public_path
from app.meetings.memo import memo, series_key
from app.meetings.models import Meeting, MeetingSeries, OccurrenceChange, SeriesHost
from app.meetings.recurrence import CANCELLED, CONFIRMED, Occurrence
from app.partners.models import Partner
from app.timeutil import is_valid_timezone, to_local, utcnow

HORIZON_YEARS = 10  # how many whole years ahead a series of moving meetings is planned
KIND_MEETING = "meeting"
PAST_LISTED = timedelta(days=366 * 4)  # how far back a series page lists held meetings
AHEAD_LISTED = 24  # how many coming meetings a series page lists
MAX_YEARS_AHEAD = 100  # an occurrence key further ahead names no meeting


@dataclass(frozen=True)
class SeriesOccurrence:
    """One occurrence of a series with its host."""

    series: MeetingSeries
    occurrence: Occurrence
    host: Partner | None
    scheduled_host: Partner | None  # by turn, before a swap or an explicit new host
    swap_reason: str = ""
    swap_reason_en: str = ""

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


def fixed_place(series: MeetingSeries) -> bool:
    """Return True if every meeting of the series (by its rule) is in one zone and place.

    Such a series is one VEVENT with an RRULE in feeds and is planned without a horizon;
    a series whose host city, and with it the place and perhaps the zone, rotates is
    planned meeting by meeting up to `planned_through`.
    """
    hosts = series.rotation
    zones = {series.timezone}
    if series.in_host_timezone:
        zones |= {h.timezone for h in hosts if is_valid_timezone(h.timezone)}
    return len(zones) == 1 and (bool(series.venue) or len({h.id for h in hosts}) <= 1)


def planned_through(series: MeetingSeries, today: date | None = None) -> date | None:
    """Return the last day a series of moving meetings is planned to, or None if unbounded.

    The horizon moves by whole years (31 December, HORIZON_YEARS ahead), so pages, feeds
    and the API agree on it and an unchanged feed keeps its bytes from one day to the next.
    """
    if fixed_place(series):
        return None
    year = max((today or utcnow().date()).year, series.first_date.year)
    return date(year + HORIZON_YEARS, 12, 31)


def _instance_index(series: MeetingSeries, through: date) -> dict[datetime, int]:
    return {
        recurrence.original_start(local, series.timezone): k
        for k, local in enumerate(recurrence.local_starts(series.rule, through=through))
    }


def series_occurrences(
    series: MeetingSeries, *, through: date | None = None, include_removed: bool = False
) -> list[SeriesOccurrence]:
    """Return the occurrences of a series up to `through` (default: the horizon), by start.

    A series of moving meetings never goes past `planned_through`, whatever is asked.
    Expanded once per process for the same rows, day and arguments (`app.meetings.memo`).
    """
    key = (series_key(series), through, include_removed, utcnow().date())
    kept = memo("occurrences").get(
        key,
        lambda: [
            (o.occurrence, _id(o.host), _id(o.scheduled_host), o.swap_reason, o.swap_reason_en)
            for o in _expand_series(series, through=through, include_removed=include_removed)
        ],
    )
    partners = {p.id: p for p in series.rotation}
    partners.update((c.host.id, c.host) for c in series.changes if c.host is not None)
    return [
        SeriesOccurrence(
            series=series,
            occurrence=occ,
            host=partners.get(host),
            scheduled_host=partners.get(scheduled),
            swap_reason=swap,
            swap_reason_en=swap_en,
        )
        for occ, host, scheduled, swap, swap_en in kept
    ]


def _id(partner: Partner | None) -> int | None:
    return None if partner is None else partner.id


def _expand_series(
    series: MeetingSeries, *, through: date | None, include_removed: bool
) -> list[SeriesOccurrence]:
    cap = planned_through(series)
    if through is None:
        year = max(utcnow().date().year, series.first_date.year)
        through = cap or date(year + HORIZON_YEARS, 12, 31)
    elif cap is not None:
        through = min(through, cap)
    rule = series.rule
    changes = {c.original_start: c for c in series.changes}
    last = max([through, *(k.date() + timedelta(days=2) for k in changes)])
    index_of = _instance_index(series, last)
    skips, swaps = [], []
    swap_reason_en: dict[int, str] = {}
    for c in changes.values():
        if c.original_start not in index_of:
            continue  # orphaned by an edit of the rule; left out, shown nowhere
        k = index_of[c.original_start]
        if c.skipped:
            skips.append(rotation.Skip(k, c.reason))
        if c.swap_with is not None and c.swap_with in index_of and c.original_start < c.swap_with:
            swaps.append(rotation.Swap(k, index_of[c.swap_with], c.swap_reason))
            swap_reason_en[k] = swap_reason_en[index_of[c.swap_with]] = c.swap_reason_en
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
    if cap is not None:
        zone = ZoneInfo(series.timezone)
        occurrences = [o for o in occurrences if o.original_start.astimezone(zone).date() <= cap]
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
                swap_reason_en=swap_reason_en.get(occ.index, ""),
            )
        )
    return result


def find_occurrence(
    series: MeetingSeries, key: str, *, include_removed: bool = False
) -> SeriesOccurrence | None:
    """Return the occurrence of a series named by its key, or None if it has none."""
    original = recurrence.parse_key(key)
    if original is None or original.year > utcnow().year + MAX_YEARS_AHEAD:
        return None  # no series is planned that far (and year 9999 would overflow)
    through = original.date() + timedelta(days=2)
    for occ in series_occurrences(series, through=through, include_removed=include_removed):
        if occ.occurrence.original_start == original:
            return occ
    return None


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
    reason_en: str = ""
    swap_reason_en: str = ""
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
        reason_en=occ.occurrence.reason_en,
        swap_reason_en=occ.swap_reason_en,
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
        status=CANCELLED if meeting.cancelled else CONFIRMED,
        item=meeting,
        published=meeting.published,
    )


def series_query(include_unpublished: bool) -> sa.Select:
    """Return the query for every series (published ones only, unless asked) with hosts and changes."""
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
    include_removed: bool = False,
    host_id: int | None = None,
    limit: int | None = None,
) -> list[UpcomingOccurrence]:
    """Return the meeting occurrences that end after `start` and begin before `end`, by start.

    Cancelled and skipped occurrences, and cancelled one-off meetings, only if
    `include_removed` (the calendar pages show them struck through); only those hosted
    by `host_id` if given; the first `limit` if given. Series come from the per-process
    index (`app.meetings.index`), one-off meetings from the database, each only as many
    as are shown.
    """
    if start.tzinfo is None or (end is not None and end.tzinfo is None):
        raise ValueError("naive datetime")
    if limit is not None and limit <= 0:
        return []
    found = [
        _from_series(occ)
        for occ in series_between(
            start,
            end,
            include_unpublished=include_unpublished,
            include_removed=include_removed,
            host_id=host_id,
            limit=limit,
        )
    ]
    found.extend(
        _from_meeting(m)
        for m in _meetings_between(start, end, include_unpublished, include_removed, host_id, limit)
    )
    found.sort(key=lambda o: (o.start, o.uid))
    return found if limit is None else found[:limit]


def series_between(
    start: datetime,
    end: datetime | None = None,
    *,
    include_unpublished: bool = False,
    include_removed: bool = False,
    host_id: int | None = None,
    limit: int | None = None,
) -> list[SeriesOccurrence]:
    """Return the series occurrences that end after `start` and begin before `end`, by
    start and UID (hosted by `host_id` if given, the first `limit` if given)."""
    from app.meetings import index

    entries = index.window(
        start,
        end,
        include_unpublished=include_unpublished,
        include_removed=include_removed,
        host_id=host_id,
        limit=limit,
    )
    if entries is None:  # this session's own changes, or a window the index does not hold
        found = [
            occ
            for series in db.session.scalars(series_query(include_unpublished))
            for occ in _expanded_between(series, start, end, include_removed)
            if host_id is None or (occ.host is not None and occ.host.id == host_id)
        ]
        found.sort(key=lambda o: (o.start, occurrence_uid(o.series, o.key)))
        return found if limit is None else found[:limit]
    series, partners = index.load_series(entries)
    return [
        SeriesOccurrence(
            series=series[e.series_id],
            occurrence=e.occurrence,
            host=partners.get(e.host_id),  # type: ignore[arg-type]
            scheduled_host=partners.get(e.scheduled_id),  # type: ignore[arg-type]
            swap_reason=e.swap_reason,
            swap_reason_en=e.swap_reason_en,
        )
        for e in entries
        if e.series_id in series
    ]


def _expanded_between(
    series: MeetingSeries, start: datetime, end: datetime | None, include_removed: bool
) -> list[SeriesOccurrence]:
    horizon = end or (start + timedelta(days=366 * HORIZON_YEARS))
    through = horizon.astimezone(UTC).date() + timedelta(days=1)
    if end is None:  # an open window: show a series that starts far ahead too
        through = max(through, series.first_date + timedelta(days=366 * HORIZON_YEARS))
    return [
        occ
        for occ in series_occurrences(series, through=through, include_removed=include_removed)
        if occ.end > start and (end is None or occ.start < end)
    ]


def _meetings_between(
    start: datetime,
    end: datetime | None,
    include_unpublished: bool,
    include_removed: bool,
    host_id: int | None,
    limit: int | None,
) -> list[Meeting]:
    """Return the one-off meetings in the window; with a limit, only the first ones by start
    (and any that start at the same moment as the last of them, as the UID decides ties)."""
    conditions = _meeting_conditions(start, end, include_unpublished, include_removed, host_id)
    query = sa.select(Meeting).where(*conditions)
    if limit is not None:
        last = (
            sa.select(Meeting.starts_at)
            .where(*conditions)
            .order_by(Meeting.starts_at)
            .offset(limit - 1)
            .limit(1)
            .scalar_subquery()
        )
        query = query.where(Meeting.starts_at <= sa.func.coalesce(last, Meeting.starts_at))
    return list(db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))


def _meeting_conditions(
    start: datetime,
    end: datetime | None,
    include_unpublished: bool,
    include_removed: bool,
    host_id: int | None,
) -> list[sa.ColumnElement[bool]]:
    conditions = [Meeting.ends_at > start]
    if not include_removed:
        conditions.append(Meeting.cancelled_at.is_(None))
    if end is not None:
        conditions.append(Meeting.starts_at < end)
    if not include_unpublished:
        conditions.append(Meeting.published.is_(True))
    if host_id is not None:
        conditions.append(Meeting.partner_id == host_id)
    return conditions


@dataclass(frozen=True)
class Hosted:
    """Who hosts a meeting and when: all some summaries need."""

    start: datetime
    uid: str
    host_id: int
    status: str


def hosted_between(
    start: datetime, end: datetime, *, include_unpublished: bool = False, ordered: bool = True
) -> list[Hosted]:
    """Return the host of each meeting (not cancelled or skipped) in the window, by start
    (in no order if not `ordered`: a caller that wants each host's first or last meeting
    need not sort thousands), without loading the meetings themselves."""
    from app.meetings import index

    entries = index.window(
        start, end, include_unpublished=include_unpublished, include_removed=False
    )
    if entries is None:
        found = [
            Hosted(o.start, occurrence_uid(o.series, o.key), o.host.id, o.status)
            for o in series_between(start, end, include_unpublished=include_unpublished)
            if o.host is not None
        ]
    else:
        found = [
            Hosted(e.start, e.uid, e.host_id, e.occurrence.status)
            for e in entries
            if e.host_id is not None
        ]
    conditions = _meeting_conditions(start, end, include_unpublished, False, None)
    rows = db.session.execute(
        sa.select(Meeting.id, Meeting.starts_at, Meeting.timezone, Meeting.partner_id).where(
            *conditions
        )
    )
    found.extend(
        Hosted(to_local(starts_at, zone), calendar_uid("meeting", id_), partner_id, CONFIRMED)
        for id_, starts_at, zone, partner_id in rows
    )
    if ordered:
        # By the moment as a number: comparing aware datetimes of different zones asks
        # each zone for its offset at every comparison, which thousands of rows notice.
        found.sort(key=lambda h: (h.start.timestamp(), h.uid))
    return found


def upcoming_occurrences(
    now: datetime, limit: int | None = 20, include_unpublished: bool = False
) -> list[UpcomingOccurrence]:
    """Return the next meeting occurrences (series and one-off) not yet over at `now`."""
    return occurrences_between(now, include_unpublished=include_unpublished, limit=limit)


def listed_occurrences(series: MeetingSeries, now: datetime) -> list[SeriesOccurrence]:
    """Return what a series page lists: recent past meetings and the next few, removed ones too."""
    found = series_occurrences(series, include_removed=True)
    past = [o for o in found if o.end <= now and o.end > now - PAST_LISTED]
    coming = [o for o in found if o.end > now][:AHEAD_LISTED]
    return past + coming


def coming_for_partner(
    partner: Partner, now: datetime, limit: int | None = 20
) -> list[UpcomingOccurrence]:
    """Return the coming published meetings with a partner: one-off meetings with it and
    the occurrences of series it hosts."""
    return occurrences_between(now, host_id=partner.id, limit=limit)
