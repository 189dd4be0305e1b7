"""Per-process memos of what is computed from a series' rows: its occurrences (a series
page, and `app.meetings.index` when it rebuilds after a change) and its calendar events
(the feeds).

Keys hold every column of the rows the result is made from (the series, its hosts and
their partners, its changes and their hosts), so any committed change, here or in
another process, is simply another key; stale entries age out of a bounded LRU. Values
hold no database objects: callers rebind them to the rows of their own session.

The same keys can be had without loading objects: `select_rows`/`read_rows` read a
model's columns as the tuples `row` makes, and `series_keys` gives every series'
`series_key` from its rows (the feeds look their kept events up so, and load as objects
only what they miss).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import sqlalchemy as sa
from flask import current_app

MAX_ENTRIES = 20_000
BUILD_WAIT_SECONDS = 30  # a thread waits this long for another's build, then builds
_COLUMNS: dict[type, tuple[str, ...]] = {}


class Memo:
    """A thread-safe LRU of computed values.

    One thread builds a missing value while the others asking for the same key wait for
    it (a worker's threads that all miss at once build it once, not each on its own);
    if that build fails, each waiting thread builds for itself.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.building: dict[Hashable, threading.Event] = {}
        self.lock = threading.Lock()
        self.max_entries = max_entries

    def find(self, key: Hashable, default: Any = None) -> Any:
        """Return the value kept under `key` (now the most recently used), or `default`."""
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
            return default

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
            built = self.building.get(key)
            if built is None:
                built = self.building[key] = threading.Event()
                mine = True
            else:
                mine = False
        if not mine:
            if built.wait(BUILD_WAIT_SECONDS):  # kept by now, or that build failed and
                return self.get(key, build)  # this thread builds it in turn
            return build()
        try:
            value = build()
            with self.lock:
                self.entries[key] = value
                while len(self.entries) > self.max_entries:
                    self.entries.popitem(last=False)
            return value
        finally:
            with self.lock:
                self.building.pop(key, None)
            built.set()


def memo(name: str) -> Memo:
    """Return this app's memo called `name`, for today (UTC).

    A new day starts every memo afresh: what they keep is measured from the day (the
    horizons of series), and what earlier days kept would otherwise wait for the LRU,
    holding a worker's memory for days.
    """
    from app.timeutil import utcnow

    day = utcnow().date()
    slot = f"vanort.memo.{name}"
    found = current_app.extensions.get(slot)
    if found is None or found[0] != day:
        found = current_app.extensions[slot] = (day, Memo())
    return found[1]


def columns(cls: type) -> tuple[str, ...]:
    """Return the keys of a model's columns, in the order `row` gives their values."""
    keys = _COLUMNS.get(cls)
    if keys is None:
        keys = _COLUMNS[cls] = tuple(a.key for a in sa.inspect(cls).column_attrs)
    return keys


def row(obj: object | None) -> tuple:
    """Return every column value of a row: any change to it is another key."""
    if obj is None:
        return ()
    cls = type(obj)
    return (cls.__name__, *(getattr(obj, k) for k in columns(cls)))


def select_rows(cls: type) -> sa.Select:
    """Return a SELECT of every column of a model, in `row`'s order (add WHERE, ORDER BY).

    Run it with `read_rows`: the same tuples `row` makes of each object, without loading
    any (building ORM objects costs many times what reading their columns does).
    """
    return sa.select(*(getattr(cls, k) for k in columns(cls)))


def read_rows(session: Any, cls: type, statement: sa.Select) -> list[tuple]:
    """Return what `row` would give for each row of `statement` (from `select_rows(cls)`).

    Through the ORM session, so its pending changes are flushed first and seen.
    """
    name = cls.__name__
    return [(name, *values) for values in session.execute(statement)]


def field(cls: type, name: str) -> int:
    """Return where a column's value sits in a `row` tuple of `cls`."""
    return columns(cls).index(name) + 1


def series_keys(session: Any, series_rows: list[tuple], partners: dict[int, tuple]) -> dict:
    """Return `series_key` of each series in `series_rows` (`read_rows` of MeetingSeries),
    by id, reading its hosts and changes as rows (two statements, no ORM objects).

    `partners` holds the `row` of every partner they may name, by id (one added since it
    was read makes a key no object gives: that series is read again). Each value is the
    key and the ids of the series' hosting partners, in rotation order.
    """
    from app.dbutil import in_values
    from app.meetings.models import MeetingSeries, OccurrenceChange, SeriesHost

    ids = [r[field(MeetingSeries, "id")] for r in series_rows]
    if not ids:
        return {}
    hosts: dict[int, list[tuple]] = {i: [] for i in ids}
    changes: dict[int, list[tuple]] = {i: [] for i in ids}
    of_host, host_partner = field(SeriesHost, "series_id"), field(SeriesHost, "partner_id")
    for h in read_rows(
        session,
        SeriesHost,
        select_rows(SeriesHost)
        .where(in_values(SeriesHost.series_id, ids))
        .order_by(SeriesHost.series_id, SeriesHost.position),
    ):
        hosts[h[of_host]].append(h)
    of_change, change_host = (
        field(OccurrenceChange, "series_id"),
        field(OccurrenceChange, "host_id"),
    )
    for c in read_rows(
        session,
        OccurrenceChange,
        select_rows(OccurrenceChange)
        .where(in_values(OccurrenceChange.series_id, ids))
        .order_by(OccurrenceChange.series_id, OccurrenceChange.original_start),
    ):
        changes[c[of_change]].append(c)
    keys = {}
    for s, sid in zip(series_rows, ids, strict=True):
        found = hosts[sid]
        key = (
            s,
            tuple((h, partners.get(h[host_partner])) for h in found),
            tuple(
                (c, () if c[change_host] is None else partners.get(c[change_host]))
                for c in changes[sid]
            ),
        )
        keys[sid] = (key, tuple(h[host_partner] for h in found))
    return keys


def series_key(series: object) -> tuple:
    """Return the contents of a series and of every row its meetings are made from."""
    return (
        row(series),
        tuple((row(h), row(h.partner)) for h in series.hosts),
        tuple((row(c), row(c.host)) for c in series.changes),
    )
