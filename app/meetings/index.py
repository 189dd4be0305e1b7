"""Every series' occurrences as plain data, kept per process by the data version.

Pages list a window of meetings (the next 20, a month, the dashboard's weeks), yet
which series have an occurrence in it is only known by expanding every series. So each
process keeps one index: every occurrence of every series, as plain values sorted by
(start, UID), built once per data version (`app.calendar.version`, bumped in the same
transaction as any change to a series, its hosts, its changes or a partner) and day.
A request reads the version (one statement), finds its window in the index, and loads
only the series that window shows (and their hosts): the same few statements whatever
the number of series.

A change committed by any process moves the version, so the next request anywhere
builds a new index. A session holding its own uncommitted change reads the rows
instead (`window` answers None), and so does a window the index does not reach.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from app.calendar import version
from app.extensions import db
from app.meetings.links import occurrence_uid
from app.meetings.memo import Memo, memo, series_key
from app.meetings.models import MeetingSeries, SeriesHost
from app.meetings.recurrence import CANCELLED, SKIPPED, Occurrence
from app.partners.models import Partner
from app.timeutil import utcnow

OPEN_DAYS = 366 * 10  # an open window looks this far ahead (occurrences.HORIZON_YEARS)
KEPT = 4  # indexes kept per process: the current one and a few a slower request still reads


@dataclass(frozen=True)
class Entry:
    """One occurrence of a series, without database objects."""

    at: int  # the start as microseconds since 1970 UTC: sorting and comparing aware
    until: int  # datetimes of many zones costs a UTC offset per comparison
    uid: str
    start: datetime
    end: datetime
    series_id: int
    published: bool
    occurrence: Occurrence
    host_id: int | None
    scheduled_id: int | None
    swap_reason: str
    swap_reason_en: str


@dataclass(frozen=True)
class Index:
    """Every occurrence of every series (removed and unpublished ones too), by start."""

    day: date  # the UTC day it was built for: horizons and open windows move with it
    entries: list[Entry]
    starts: list[int]  # each entry's `at`
    longest: int  # no occurrence lasts longer (µs): how far back a window's overlap reaches

    @property
    def reach(self) -> date:
        """Return the last day every series is expanded through (a closed window's limit)."""
        return self.day + timedelta(days=OPEN_DAYS + 1)


def open_through(series: MeetingSeries, day: date) -> date:
    """Return how far an open window from `day` expands a series (as occurrences_between)."""
    return max(day + timedelta(days=OPEN_DAYS + 1), series.first_date + timedelta(days=OPEN_DAYS))


def _build(day: date) -> Index:
    from app.meetings.occurrences import series_query

    made = memo("index-entries")  # each series' entries, by the contents of its rows
    entries: list[Entry] = []
    for series in db.session.scalars(series_query(include_unpublished=True)):
        through = open_through(series, day)
        key = (series_key(series), through, day)
        entries.extend(made.get(key, lambda s=series, t=through: _entries(s, t)))
    entries.sort(key=lambda e: (e.at, e.uid))
    longest = max((e.until - e.at for e in entries), default=0)
    return Index(day, entries, [e.at for e in entries], longest)


def _entries(series: MeetingSeries, through: date) -> list[Entry]:
    from app.meetings.occurrences import series_occurrences

    return [
        Entry(
            at=micros(o.start),
            until=micros(o.end),
            start=o.start,
            uid=occurrence_uid(series, o.key),
            end=o.end,
            series_id=series.id,
            published=series.published,
            occurrence=o.occurrence,
            host_id=None if o.host is None else o.host.id,
            scheduled_id=None if o.scheduled_host is None else o.scheduled_host.id,
            swap_reason=o.swap_reason,
            swap_reason_en=o.swap_reason_en,
        )
        for o in series_occurrences(series, through=through, include_removed=True)
    ]


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """Return an aware moment as µs since 1970 (an entry's `at`)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def current_index() -> Index | None:
    """Return the index for the committed data, or None while this session changes series."""
    if version.uncommitted(db.session()):
        return None
    day = utcnow().date()
    kept = current_app.extensions.setdefault("vanort.occurrence_index", Memo(KEPT))
    return kept.get((version.current().key, day), lambda: _build(day))


def window(
    start: datetime,
    end: datetime | None,
    *,
    include_unpublished: bool,
    include_removed: bool,
    host_id: int | None = None,
    limit: int | None = None,
) -> list[Entry] | None:
    """Return the occurrences that end after `start` and begin before `end`, by (start, UID).

    None when the index cannot answer: this session has uncommitted changes, or the
    window lies beyond what the index holds (the caller expands the series itself).
    """
    index = current_index()
    if index is None:
        return None
    if end is None:
        if start.astimezone(UTC).date() != index.day:
            return None
    elif end.astimezone(UTC).date() + timedelta(days=1) > index.reach:
        return None
    begins = micros(start)
    lo = bisect_left(index.starts, begins - index.longest)
    hi = len(index.entries) if end is None else bisect_left(index.starts, micros(end))
    found = []
    for entry in index.entries[lo:hi]:
        if entry.until <= begins:
            continue
        if not include_unpublished and not entry.published:
            continue
        if not include_removed and entry.occurrence.status in (CANCELLED, SKIPPED):
            continue
        if host_id is not None and entry.host_id != host_id:
            continue
        found.append(entry)
        if limit is not None and len(found) >= limit:
            break
    return found


def load_series(entries: list[Entry]) -> tuple[dict[int, MeetingSeries], dict[int, Partner]]:
    """Return the series the entries name, with their hosts, and the partners hosting them.

    Three statements however many series: the series, their places in the rotation, and
    every partner those and the entries name (each partner read once, not once per row).
    """
    ids = sorted({e.series_id for e in entries})
    if not ids:
        return {}, {}
    series = {
        s.id: s
        for s in db.session.scalars(
            sa.select(MeetingSeries)
            .where(MeetingSeries.id.in_(ids))
            .options(lazyload(MeetingSeries.hosts), lazyload(MeetingSeries.changes))
        )
    }
    hosts: dict[int, list[SeriesHost]] = defaultdict(list)
    for host in db.session.scalars(
        sa.select(SeriesHost)
        .where(SeriesHost.series_id.in_(ids))
        .order_by(SeriesHost.series_id, SeriesHost.position)
        .options(lazyload(SeriesHost.partner))  # read below, each partner once
    ):
        hosts[host.series_id].append(host)
    wanted = {h.partner_id for found in hosts.values() for h in found}
    wanted |= {e.host_id for e in entries} | {e.scheduled_id for e in entries}
    wanted.discard(None)
    partners = {
        p.id: p for p in db.session.scalars(sa.select(Partner).where(Partner.id.in_(wanted)))
    }
    for found in hosts.values():
        for h in found:
            set_committed_value(h, "partner", partners[h.partner_id])
    for s in series.values():
        set_committed_value(s, "hosts", hosts[s.id])
    return series, partners
