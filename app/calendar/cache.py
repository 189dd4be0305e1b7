"""Rendered feeds kept by data version, so an unchanged feed is not rendered again.

The key is the feed, the language, the data version (`app.calendar.version`) and the
year: feeds look a whole number of years back and ahead, so their bytes change at New
Year at the latest. Each process keeps its own small LRU; a change anywhere moves the
version, so a stale feed is never served. Each entry holds the bytes and their ETag, so
an unchanged feed costs a lookup, not a hash of megabytes.

Beneath it, `event_cache()` keeps every event's serialised VEVENT (`app.feeds.ical.
EventCache`), so a feed rendered again after one change serialises only that change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app

from app.feeds.ical import EventCache
from app.httpcache import etag_for

MAX_ENTRIES = 256
MAX_EVENTS = 50_000  # serialised events kept per process (a 10,000-event feed in 2 languages)
_EVENTS = "vanort.event_cache"


class FeedCache:
    """A thread-safe LRU of rendered feeds, and of the ETags each feed address answered with.

    The ETags are kept under the address's own key (the feed as the URL names it, the
    language, the year, the data version and the public address), so the fast path for
    conditional requests (`app.calendar.fastpath`) finds them without Flask or a query.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[bytes, str]] = OrderedDict()
        self._etags: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.renders = 0  # how many feeds were rendered rather than served from the cache

    def get_or_render(self, key: Hashable, render: Callable[[], bytes]) -> tuple[bytes, str]:
        """Return the feed's bytes and ETag, rendering them if they are not kept."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        body = render()
        entry = (body, etag_for(body))
        with self._lock:
            self.renders += 1
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry

    def remember_etag(self, key: Hashable, etag: str) -> None:
        """Note the ETag a feed address answers with under `key` (see the class)."""
        with self._lock:
            self._etags[key] = etag
            self._etags.move_to_end(key)
            while len(self._etags) > self.max_entries:
                self._etags.popitem(last=False)

    def etag(self, key: Hashable) -> str | None:
        """Return the ETag noted under `key`, if this process served that feed."""
        with self._lock:
            return self._etags.get(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._etags.clear()


def event_cache() -> EventCache:
    """Return this process's cache of serialised events."""
    return current_app.extensions.setdefault(_EVENTS, EventCache(MAX_EVENTS))
