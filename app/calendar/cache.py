"""Rendered feeds kept by data version, so an unchanged feed is not rendered again.

The key is the feed, the language, the data version (`app.calendar.version`) and the
year: feeds look a whole number of years back and ahead, so their bytes change at New
Year at the latest. Each process keeps its own small LRU; a change anywhere moves the
version, so a stale feed is never served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

MAX_ENTRIES = 256


class FeedCache:
    """A thread-safe LRU of rendered feeds."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.renders = 0  # how many feeds were rendered rather than served from the cache

    def get_or_render(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        body = render()
        with self._lock:
            self.renders += 1
            self._entries[key] = body
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return body

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
