"""The meetings' part of the coordinators' dashboard: the next meetings, and each partner's
latest meeting for the partnership health view."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.calendar import version
from app.extensions import db
from app.i18n import localized
from app.meetings import index
from app.meetings import occurrences as meetings
from app.meetings.models import Meeting
from app.timeutil import to_local, utcnow

UPCOMING_MEETINGS = 8


@dataclass(frozen=True)
class HostName:
    name: str


@dataclass(frozen=True)
class PublicId:
    public_id: str


@dataclass(frozen=True)
class ComingMeeting:
    """What the panel shows of an occurrence (`occurrences.UpcomingOccurrence`), without
    database objects; `item` and `key` are what `occurrence_url` needs."""

    uid: str
    title_sv: str
    title_en: str
    start: datetime
    end: datetime
    timezone: str
    status: str
    host: HostName | None
    published: bool
    is_series: bool
    item: PublicId
    key: str | None

    @property
    def title(self) -> str:
        return localized(self, "title")


def upcoming_meetings(today: date) -> dict:
    """Return the next meetings, published or not (coordinators see both).

    Made only from meetings, series and partners, which the data version counts: the
    meetings not over at the start of this UTC day are kept per process by the version
    (`app.calendar.version.kept`), as many as end today and the UPCOMING_MEETINGS after
    them, and those not over now are shown. Whatever ends before now overlaps today, so
    the first UPCOMING_MEETINGS not over now are among them.
    """
    now = utcnow()
    day = now.date()
    kept = version.kept("dashboard.upcoming_meetings", day, lambda: _coming_from(day))
    return {"occurrences": [o for o in kept if o.end > now][:UPCOMING_MEETINGS]}


def _coming_from(day: date) -> tuple[ComingMeeting, ...]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    found = meetings.occurrences_between(
        start, include_unpublished=True, limit=_during(start) + UPCOMING_MEETINGS
    )
    return tuple(
        ComingMeeting(
            uid=o.uid,
            title_sv=o.title_sv,
            title_en=o.title_en,
            start=o.start,
            end=o.end,
            timezone=o.timezone,
            status=o.status,
            host=None if o.host is None else HostName(o.host.name),
            published=o.published,
            is_series=o.is_series,
            item=PublicId(o.item.public_id),
            key=o.key,
        )
        for o in found
    )


def _during(start: datetime) -> int:
    """Return how many meetings (published or not, held) overlap the day from `start`: at
    most that many of those listed from `start` are over by any moment of the day.

    Counted, not loaded: the series' from the index, the one-off meetings by COUNT (one
    statement whatever the day holds)."""
    end = start + timedelta(days=1)
    entries = index.window(start, end, include_unpublished=True, include_removed=False)
    if entries is None:  # this session's own changes: the rows themselves
        return len(meetings.occurrences_between(start, end, include_unpublished=True))
    one_off = db.session.scalar(
        sa.select(sa.func.count()).where(
            Meeting.ends_at > start, Meeting.starts_at < end, Meeting.cancelled_at.is_(None)
        )
    )
    return len(entries) + one_off


def _held(start: datetime, end: datetime) -> Iterator[tuple[int, datetime, int]]:
    """Yield (moment in µs, local start, host id) of every meeting in the window, published
    or not, neither cancelled nor skipped, in no order: `occurrences.hosted_between`
    without its UIDs and objects (series from the per-process index)."""
    entries = index.window(start, end, include_unpublished=True, include_removed=False)
    if entries is None:  # this session's own changes: the rows themselves
        for held in meetings.hosted_between(start, end, include_unpublished=True, ordered=False):
            yield index.micros(held.start), held.start, held.host_id
        return
    for e in entries:
        if e.host_id is not None:
            yield e.at, e.start, e.host_id
    rows = db.session.execute(
        sa.select(Meeting.starts_at, Meeting.timezone, Meeting.partner_id).where(
            Meeting.ends_at > start, Meeting.starts_at < end, Meeting.cancelled_at.is_(None)
        )
    )
    for starts_at, zone, partner_id in rows:
        yield index.micros(starts_at), to_local(starts_at, zone), partner_id


def meeting_activity(today: date, since: datetime) -> dict[int, date]:
    """Return each partner's latest meeting up to today (one-off meetings and series hosts).

    A series' hosts only matter inside the inactivity window, so its meetings are
    expanded back to `since` only.
    """
    now = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    latest: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(Meeting.partner_id, sa.func.max(Meeting.starts_at))
        .where(Meeting.starts_at < now, Meeting.cancelled_at.is_(None))
        .group_by(Meeting.partner_id)
    ).all()
    for partner_id, starts_at in rows:
        latest[partner_id] = starts_at.date()
    for _at, start, host_id in _held(since, now):
        day = start.date()
        if host_id not in latest or day > latest[host_id]:
            latest[host_id] = day
    return latest


def planned_meetings(today: date, until: datetime) -> dict[int, date]:
    """Return each partner's next meeting after today (one-off or hosting a series' turn)."""
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    after = index.micros(tomorrow)
    first: dict[int, tuple[int, datetime]] = {}
    for at, start, host_id in _held(tomorrow, until):
        if at < after:
            continue
        if host_id not in first or at < first[host_id][0]:
            first[host_id] = (at, start)
    return {host_id: start.date() for host_id, (_at, start) in first.items()}
