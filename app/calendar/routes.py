"""Calendar feeds (iCal) that anyone subscribes to, and private ones by token.

Every feed answers text/calendar with a strong ETag from its bytes and a Last-Modified
from the data version; a matching If-None-Match is a 304. The rendered bytes are kept
per data version, so an unchanged feed is not rendered again. Only ?lang= is read (the
calendar's and the events' language); any other query string is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, abort, current_app

from app.calendar import feeds, tokens, version
from app.calendar.cache import FeedCache
from app.httpcache import conditional_response
from app.i18n import current_language
from app.partners.services import partner_by_slug
from app.timeutil import utcnow

bp = Blueprint("calendar", __name__)

MAX_AGE = 15 * 60  # seconds a client or proxy may reuse a public feed
_CACHE = "vanort.feed_cache"


def feed_cache(app: Flask | None = None) -> FeedCache:
    """Return this process's cache of rendered feeds."""
    return (app or current_app).extensions.setdefault(_CACHE, FeedCache())


def address_key(route: tuple, lang: str, year: int, current: version.Version, base: str) -> tuple:
    """Return the key of the ETag a feed address answers with (`FeedCache.remember_etag`).

    `route` is the feed as its URL names it: ("all",), ("partner", slug), ("private",).
    A partner's slug stays the same partner while the data version stays (partners are
    tracked by it), and every private token opens the same feed.
    """
    return (route, lang, year, current.key, base)


def feed_headers(*, private: bool) -> dict[str, str]:
    """Return the headers a feed's answer carries besides its validators."""
    headers = {
        "Vary": "Accept-Language",
        "Content-Disposition": 'inline; filename="vanort.ics"',
    }
    if private:
        headers |= {
            "Cache-Control": "private, max-age=300",
            "X-Robots-Tag": "noindex, nofollow",
            "Referrer-Policy": "no-referrer",
        }
    return headers


def _answer(
    route: tuple, key: tuple, render: Callable[[str, int], bytes], *, private: bool = False
) -> Response:
    current = version.current()
    lang = current_language()
    year = utcnow().year
    base = current_app.config["PUBLIC_BASE_URL"]
    cache = feed_cache()
    body, etag = cache.get_or_render(
        (*key, lang, year, current.key, base), lambda: render(lang, year)
    )
    cache.remember_etag(address_key(route, lang, year, current, base), etag)
    return conditional_response(
        body,
        mimetype="text/calendar",
        last_modified=current.last_modified(datetime.now(UTC)),
        max_age=MAX_AGE,
        extra_headers=feed_headers(private=private),
        etag=etag,
    )


def _public(kind: str) -> Response:
    return _answer((kind,), (kind,), lambda lang, year: feeds.public_feed(kind, lang, year))


@bp.get("/calendar.ics")
def everything():
    return _public("all")


@bp.get("/calendar/meetings.ics")
def meetings():
    return _public("meetings")


@bp.get("/calendar/exchanges.ics")
def exchanges():
    return _public("exchanges")


@bp.get("/calendar/partners/<slug>.ics")
def partner(slug: str):
    version.current()  # before the partner's row: the feed kept by it is never older
    found = partner_by_slug(slug)
    if found is None:
        abort(404)
    return _answer(
        ("partner", slug),
        ("partner", found.id),
        lambda lang, year: feeds.partner_feed(found, lang, year),
    )


@bp.get("/calendar/private/<token>.ics")
def private(token: str):
    if tokens.active_token(token) is None:
        abort(404)
    return _answer(("private",), ("private",), feeds.private_feed, private=True)


# The month and year pages live on this blueprint too (after `bp` exists: they import it).
from app.calendar import views  # noqa: E402, F401
