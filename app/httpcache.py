"""Conditional GET for feeds and the API (placeholder until the API branch lands)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Response, request
from werkzeug.http import http_date, parse_date


def conditional_response(
    body: bytes,
    *,
    mimetype: str,
    last_modified: datetime | None = None,
    max_age: int = 300,
    extra_headers: dict[str, str] | None = None,
) -> Response:
    etag = hashlib.sha256(body).hexdigest()
    headers = {"ETag": f'"{etag}"', "Cache-Control": f"public, max-age={max_age}"}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    headers.update(extra_headers or {})
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        if "*" in tags or f'"{etag}"' in tags:
            return Response(status=304, headers=headers)
    elif last_modified is not None:
        since = parse_date(request.headers.get("If-Modified-Since"))
        if since is not None and int(last_modified.timestamp()) <= int(since.timestamp()):
            return Response(status=304, headers=headers)
    return Response(body, mimetype=mimetype, headers=headers)
