"""HTTP caching for answers built whole in memory (the API, the feeds): ETag, 304, Cache-Control.

`conditional_response(body, mimetype=...)` gives the answer a strong ETag made from its
bytes and answers a conditional GET or HEAD with 304 Not Modified when the client's copy
is current, following RFC 9110 section 13:

- If-None-Match is compared with the weak comparison function (a `W/` tag matches its
  strong twin), and `*` matches any answer;
- If-Modified-Since is consulted only when the request has no If-None-Match at all; a
  date that does not parse, or lies in the future, is ignored.

Werkzeug's `Response.make_conditional` is not used: it lets an If-None-Match that names
no usable tag fall back to If-Modified-Since, and it applies If-Match to a GET.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import Response, request
from werkzeug.http import http_date, parse_date, parse_etags

CONDITIONAL_METHODS = ("GET", "HEAD")


def etag_for(body: bytes) -> str:
    """Return the quoted strong entity tag of a body: its SHA-256 in hex."""
    return f'"{hashlib.sha256(body).hexdigest()}"'


def _whole_seconds(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).replace(microsecond=0)


def not_modified(
    method: str,
    if_none_match: str | None,
    if_modified_since: str | None,
    etag: str,
    last_modified: datetime | None,
) -> bool:
    """Tell whether a request's validators say its copy of this answer is current.

    Takes the method and the two header values as sent (None when absent), so the feeds'
    WSGI fast path (`app.calendar.fastpath`) decides exactly as a Flask view does.
    """
    if method not in CONDITIONAL_METHODS:
        return False
    if if_none_match is not None:  # present, even empty: If-Modified-Since is ignored
        tags = parse_etags(if_none_match)
        return tags.contains_weak(etag.strip('"'))  # also true for `*`
    if last_modified is None:
        return False
    since = parse_date(if_modified_since)
    if since is None or since > datetime.now(UTC):  # absent, malformed, or in the future
        return False
    return _whole_seconds(last_modified) <= since.astimezone(UTC)


def is_not_modified(etag: str, last_modified: datetime | None) -> bool:
    """Tell whether the current request's validators say its copy of this answer is current."""
    return not_modified(
        request.method,
        request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"),
        etag,
        last_modified,
    )


def validator_headers(
    etag: str,
    *,
    last_modified: datetime | None,
    max_age: int,
    extra_headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """Return the headers a full answer and its 304 both carry: validators, Cache-Control."""
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(_whole_seconds(last_modified))
    headers.update(extra_headers or {})
    return headers


class NotModified(Response):
    """A 304 that keeps its Last-Modified (werkzeug drops it with the body's headers).

    A cache that revalidates updates its stored headers from the 304 (RFC 9111 4.3.4),
    so the 304 says when the answer last changed, as the full answer would.
    """

    def get_wsgi_headers(self, environ):
        headers = super().get_wsgi_headers(environ)
        last_modified = self.headers.get("Last-Modified")
        if last_modified is not None and "Last-Modified" not in headers:
            headers["Last-Modified"] = last_modified
        return headers


def conditional_response(
    body: bytes,
    *,
    mimetype: str,
    last_modified: datetime | None = None,
    max_age: int = 300,
    extra_headers: dict[str, str] | None = None,
    etag: str | None = None,
) -> Response:
    """Return the body with ETag, Last-Modified and Cache-Control, or a 304 if the client has it.

    The 304 carries the same validators, Cache-Control and extra headers (such as Vary)
    as the full answer would, and no body. `etag`, when given, must be `etag_for(body)`
    computed before (a cached feed keeps it with its bytes).
    """
    etag = etag or etag_for(body)
    headers = validator_headers(
        etag, last_modified=last_modified, max_age=max_age, extra_headers=extra_headers
    )
    if is_not_modified(etag, last_modified):
        response = NotModified(status=304)
        del response.headers["Content-Type"]  # a 304 has no body to describe
        response.headers.update(headers)
        return response
    response = Response(body, mimetype=mimetype)
    response.headers.update(headers)
    return response
