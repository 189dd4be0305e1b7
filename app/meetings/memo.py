"""Per-process memos of what is computed from a series' rows: its occurrences (a series
page, and `app.meetings.index` when it rebuilds after a change) and its calendar events
(the feeds).

Keys hold every column of the rows the result is made from (the series, its hosts and
their partners, its changes and their hosts), so any committed change, here or in
another process, is simply another key; stale entries age out of a bounded LRU. Values
hold no database objects: callers rebind them to the rows of their own session.
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
    """Return this app's memo called `name`."""
    return current_app.extensions.setdefault(f"vanort.memo.{name}", Memo())


def row(obj: object | None) -> tuple:
    """Return every column value of a row: any change to it is another key."""
    if obj is None:
        return ()
    cls = type(obj)
    keys = _COLUMNS.get(cls)
    if keys is None:
        keys = _COLUMNS[cls] = tuple(a.key for a in sa.inspect(cls).column_attrs)
    return (cls.__name__, *(getattr(obj, k) for k in keys))


def series_key(series: object) -> tuple:
    """Return the contents of a series and of every row its meetings are made from."""
    return (
        row(series),
        tuple((row(h), row(h.partner)) for h in series.hosts),
        tuple((row(c), row(c.host)) for c in series.changes),
    )
