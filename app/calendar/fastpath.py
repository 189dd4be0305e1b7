"""A WSGI fast path for conditional requests of the feeds: a 304 without Flask's request.

Calendar apps ask for their feeds again every hour or so, nearly always with the ETag
of their copy, and nearly always the feed has not changed. Such a request needs two
things: the data version as it is now, and the ETag this process last answered the
same feed address with at that version (`FeedCache.etag`, noted by the feed views).
This middleware, in front of the Flask app, answers it with those alone: one SQL
statement on a pooled connection (the version, and for a private feed whether its token
is still unrevoked; a public feed's version serves the process's public feeds for
FEED_VERSION_SECONDS, one second, after it is read), no session cookie, locale, login,
rate-limit, CSRF or ORM work.

Anything else goes on to Flask untouched: another method or address, no validator, a
validator that does not match (the full answer), a feed this process has not rendered at
the current version, a revoked or unknown token (404 there), a NUL in the query string
(400 there), rate limits for every address (`RATELIMIT_DEFAULT`, `RATELIMIT_APPLICATION`:
Flask-Limiter counts them) or a database that does not answer. So a 304 is only ever
sent for the feed's bytes at the version committed at that moment (a public feed's: at
most a second before), from any worker or host, and it carries the headers Flask's 304 carries: the validators, Cache-Control,
Vary, Content-Disposition and the site's security headers (`tests/calendar/
test_fastpath.py` compares the two). `FEED_FAST_PATH = False` turns it off.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import HTTPException

from app import security
from app.calendar import routes, tokens, version
from app.httpcache import not_modified, validator_headers
from app.i18n import language_of
from app.timeutil import utcnow

log = logging.getLogger(__name__)

# The feed views by endpoint: the route key they note their ETag under, and private or not.
FEEDS = {
    "calendar.everything": (lambda args: ("all",), False),
    "calendar.meetings": (lambda args: ("meetings",), False),
    "calendar.exchanges": (lambda args: ("exchanges",), False),
    "calendar.partner": (lambda args: ("partner", args["slug"]), False),
    "calendar.private": (lambda args: ("private",), True),
}
# Flask adds Cookie to Vary whenever the session was read, and Flask-Login reads it after
# every request: the feeds' answers from Flask vary on it, so their 304s here do too.
SESSION_VARY = "Cookie"
STATUS = "304 NOT MODIFIED"  # as werkzeug writes it
POOL_SIZE = 4  # connections kept per process for the fast path (gunicorn's threads)


class ConditionalFeeds:
    """The WSGI middleware: answer a feed's conditional GET or HEAD with 304, or pass it on."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._engine: sa.Engine | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._public: tuple[float, int, version.Version] | None = None  # read at, pid, version

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and environ.get("PATH_INFO", "").endswith(".ics")  # every feed's address does
            and ("HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ)
            and self.app.config.get("FEED_FAST_PATH")
        ):
            try:
                headers = self.not_modified_headers(environ)
            except Exception:  # the database's, its driver's, anything: Flask answers instead
                log.warning("the feeds' fast path failed; Flask answers", exc_info=True)
                headers = None
            if headers is not None:
                start_response(STATUS, headers)
                return []
        return self.wsgi_app(environ, start_response)

    def not_modified_headers(self, environ) -> list[tuple[str, str]] | None:
        """Return the headers of a 304 for this request, or None to let Flask answer it."""
        config = self.app.config
        if config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION"):
            return None
        try:
            adapter = self.app.url_map.bind_to_environ(
                environ, server_name=config.get("SERVER_NAME")
            )
            endpoint, args = adapter.match()
        except HTTPException:  # not found, a redirect, a method not allowed
            return None
        feed = FEEDS.get(endpoint)
        if feed is None:
            return None
        route_of, private = feed
        request = self.app.request_class(environ)
        if _has_nul(request.args):
            return None
        token_hash = tokens.digest(args["token"]) if private else None
        found = self._read(token_hash)
        if found is None:
            return None
        current, active = found
        if private and not active:
            return None
        lang = language_of(request, config["DEFAULT_LANGUAGE"])
        key = routes.address_key(
            route_of(args), lang, utcnow().year, current, config["PUBLIC_BASE_URL"]
        )
        etag = routes.feed_cache(self.app).etag(key)
        if etag is None:  # not rendered here at this version: Flask renders it
            return None
        last_modified = current.last_modified(datetime.now(UTC))
        if not not_modified(
            request.method,
            environ.get("HTTP_IF_NONE_MATCH"),
            environ.get("HTTP_IF_MODIFIED_SINCE"),
            etag,
            last_modified,
        ):
            return None
        return _headers(config, request.is_secure, etag, last_modified, private=private)

    def _read(self, token_hash: str | None) -> tuple[version.Version, bool] | None:
        """Return the data version (and whether the token is unrevoked, for a private feed).

        A public feed's version, read from the database, serves this process's public
        feeds for FEED_VERSION_SECONDS more: a change is then seen within that second,
        not at the very next request (the feeds may be reused for MAX_AGE, 15 minutes,
        anyway), and the 304s that make up nearly all feed traffic cost no round trip.
        A private feed reads every time: a revoked token must stop at once.
        """
        if token_hash is not None:
            return self._read_database(token_hash)
        seconds = self.app.config.get("FEED_VERSION_SECONDS", 0)
        now = time.monotonic()
        known = self._public
        if known is not None and known[1] == os.getpid() and 0 <= now - known[0] < seconds:
            return known[2], False
        found = self._read_database(None)
        latest = self._public
        if found is not None and (latest is None or latest[1] != os.getpid() or latest[0] <= now):
            self._public = (now, os.getpid(), found[0])  # never over a later thread's read
        return found

    def _read_database(self, token_hash: str | None) -> tuple[version.Version, bool] | None:
        engine = self._engine_now()
        connection = engine.raw_connection()  # from the pool; back to it on close
        try:
            return version.read(connection, engine.dialect, token_hash)
        except engine.dialect.loaded_dbapi.Error:
            connection.invalidate()  # perhaps dropped by the server: never reused
            raise
        finally:
            connection.close()

    def _engine_now(self) -> sa.Engine:
        if self._engine is None or self._pid != os.getpid():  # none yet, or forked since
            with self._lock:
                if self._engine is None or self._pid != os.getpid():
                    self._engine, self._pid = self._make_engine(), os.getpid()
        return self._engine

    def dispose(self) -> None:
        """Close the fast path's own connections (PostgreSQL's; SQLite uses the app's)."""
        engine, self._engine = self._engine, None
        if engine is not None and engine.dialect.name == "postgresql":
            engine.dispose()

    def _make_engine(self) -> sa.Engine:
        from app.extensions import db

        with self.app.app_context():
            engine = db.engine
        if engine.dialect.name != "postgresql":
            return engine  # SQLite: the app's own engine (no server to reach)
        # PostgreSQL: a small pool of its own, in autocommit (the one statement is its own
        # transaction: no BEGIN, no ROLLBACK) and without the app pool's pre-ping (a round
        # trip per checkout). A connection the server dropped fails the read once; that
        # request goes on to Flask, and SQLAlchemy replaces the pool's connections.
        options = self.app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        return sa.create_engine(
            engine.url,
            connect_args=options.get("connect_args", {}),
            isolation_level="AUTOCOMMIT",
            pool_size=POOL_SIZE,
            max_overflow=POOL_SIZE,
            pool_pre_ping=False,
        )


def _has_nul(values) -> bool:
    return any("\x00" in k or "\x00" in v for k, v in values.items(multi=True))


def _headers(config, secure: bool, etag: str, last_modified: datetime, *, private: bool):
    extra = routes.feed_headers(private=private)
    extra["Vary"] = f"{extra['Vary']}, {SESSION_VARY}"
    headers = validator_headers(
        etag, last_modified=last_modified, max_age=routes.MAX_AGE, extra_headers=extra
    )
    https = security.is_https(secure, config)
    for name, value in security.site_headers(config, https=https).items():
        headers.setdefault(name, value)
    return list(headers.items())


def dispose(app: Flask) -> None:
    """Close the connections of the app's fast path (tests that outlive their app)."""
    layer = app.wsgi_app
    while layer is not None and not isinstance(layer, ConditionalFeeds):
        layer = getattr(layer, "app", None)
    if layer is not None:
        layer.dispose()


def init_app(app: Flask) -> None:
    """Put the fast path in front of the Flask app (call before ProxyFix wraps it)."""
    app.wsgi_app = ConditionalFeeds(app, app.wsgi_app)
