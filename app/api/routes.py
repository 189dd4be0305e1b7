"""Read-only JSON API under /api/v1/: partners, exchanges, events and their OpenAPI document.

Every answer is built whole, serialised with sorted keys (so equal data gives equal
bytes and an equal ETag) and sent through `app.httpcache.conditional_response`. Errors
are the JSON of `app.errors`: {"error": {"status", "title", "message"}}.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _

from app.api import openapi
from app.api.events import events_in
from app.api.shapes import exchange_json, partner_json
from app.api.window import parse_window
from app.calendar import version
from app.errors import abort_with
from app.exchanges import queries as exchanges
from app.extensions import csrf
from app.httpcache import conditional_response, etag_for
from app.i18n import current_language
from app.partners.models import Partner
from app.partners.services import home_today, partner_by_slug, public_partners
from app.timeutil import utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

JSON = "application/json"
MAX_AGE = 300  # seconds a client or proxy may reuse an answer without asking
KEPT_ANSWERS = 64  # events answers kept per process (windows, languages, partners)


def json_bytes(data: object) -> bytes:
    """Return data as compact UTF-8 JSON with sorted keys: the same data, the same bytes."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def answer(data: object) -> Response:
    """Return data as a cacheable JSON answer; titles and messages follow the language."""
    return conditional_response(
        json_bytes(data),
        mimetype=JSON,
        max_age=MAX_AGE,
        extra_headers={"Vary": "Accept-Language"},
    )


def answer_kept(key: Hashable, build: Callable[[], object]) -> Response:
    """Return an answer made only from what the data version counts, kept by that version
    (`app.calendar.version.kept`): each process keeps its few latest such answers."""
    place = current_app.config["PUBLIC_BASE_URL"]  # in every URL of the answer

    def made() -> tuple[bytes, str]:
        body = json_bytes(build())
        return body, etag_for(body)

    body, etag = version.kept("api-answers", (place, key), made, size=KEPT_ANSWERS)
    return conditional_response(
        body, mimetype=JSON, max_age=MAX_AGE, extra_headers={"Vary": "Accept-Language"}, etag=etag
    )


def known_partner(slug: str) -> Partner:
    """Return the public partner with this slug, or stop with a JSON 404."""
    partner = partner_by_slug(slug)
    if partner is None:
        abort_with(404, _("There is no partner with this slug."))
    return partner


@bp.get("/partners")
def partners():
    return answer([partner_json(p) for p in public_partners()])


@bp.get("/partners/<slug>")
def partner(slug: str):
    return answer(partner_json(known_partner(slug)))


@bp.get("/exchanges")
def exchanges_list():
    found = exchanges.listed_exchanges(utcnow())
    left = exchanges.places_left_for(found)
    lang = current_language()
    return answer([exchange_json(e, left[e.id], lang) for e in found])


@bp.get("/events")
def events():
    window = parse_window(request.args, home_today())
    slug = request.args.get("partner")
    chosen = known_partner(slug) if slug is not None else None
    return answer_kept(
        ("events", window, current_language(), chosen.id if chosen else None),
        lambda: events_in(window, current_language(), chosen),
    )


@bp.get("/openapi.json")
def openapi_document():
    return answer(openapi.document())
