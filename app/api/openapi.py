"""The OpenAPI 3.1 document of /api/v1, written by hand to match app/api/shapes.py.

Served at /api/v1/openapi.json; tests/api/test_schemathesis.py runs the API against it,
so a field added to a shape without being described here (or the reverse) fails the suite.
"""

from __future__ import annotations

import copy

from app.api.window import DEFAULT_YEARS, MAX_YEARS
from app.exchanges.models import CANCELLED, CLOSED, DIRECTIONS, OPEN
from app.formfields import EARLIEST_YEAR, LATEST_YEAR
from app.partners.models import PUBLIC_KINDS

DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$"
REF = "#/components/"


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"{REF}{kind}/{name}"}


def _object(properties: dict, description: str = "") -> dict:
    """Return a closed object schema: every property required, no others allowed."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _string(description: str = "", **extra: object) -> dict:
    return {"type": "string", **({"description": description} if description else {}), **extra}


def _nullable_string(description: str, **extra: object) -> dict:
    return {"type": ["string", "null"], "description": description, **extra}


PARTNER = _object(
    {
        "slug": _string("The partner's name in addresses, e.g. `shanghai`."),
        "name": _string(),
        "country": _nullable_string("ISO 3166-1 alpha-2 country code."),
        "kind": {"type": "string", "enum": list(PUBLIC_KINDS)},
        "since": {"type": ["integer", "null"], "description": "Year the partnership began."},
        "timezone": _nullable_string("IANA time zone of the partner, e.g. `Asia/Shanghai`."),
    },
    "A partner city, twin town or network. The home municipality itself is not listed.",
)

EXCHANGE = _object(
    {
        "id": {"type": "integer", "minimum": 1},
        "title": _string("In the language of the answer (`?lang=` or Accept-Language)."),
        "partner": _string("Slug of the partner (see /api/v1/partners/{slug})."),
        "starts_on": _string("First day.", format="date", pattern=DATE),
        "ends_on": _string("Last day (inclusive).", format="date", pattern=DATE),
        "places": {"type": "integer", "minimum": 0, "description": "Pupils in all."},
        "places_left": {
            "type": "integer",
            "minimum": 0,
            "description": "Places no confirmed or offered group holds.",
        },
        "status": {"type": "string", "enum": [OPEN, CLOSED, CANCELLED]},
        "direction": {"type": "string", "enum": list(DIRECTIONS)},
        "signup_opens_at": _string(format="date-time", pattern=DATE_TIME),
        "signup_closes_at": _string(format="date-time", pattern=DATE_TIME),
        "url": _string("The exchange's public page, with its sign-up form.", format="uri"),
    },
    "A youth exchange that has not ended (drafts are never listed).",
)

EVENT = _object(
    {
        "uid": _string("Stable identifier, the UID of the same event in the iCal feeds."),
        "kind": {"type": "string", "enum": ["meeting", "exchange"]},
        "title": _string("In the language of the answer (`?lang=` or Accept-Language)."),
        "start": _string(
            "A meeting's start in local time with its UTC offset (ISO 8601); an all-day "
            "exchange's first day (`YYYY-MM-DD`)."
        ),
        "end": _string(
            "A meeting's end in local time with its UTC offset; for an all-day exchange the "
            "day AFTER its last day: the end date is exclusive, as DTEND in iCal."
        ),
        "all_day": {"type": "boolean", "description": "True for exchanges: dates, no times."},
        "timezone": _nullable_string(
            "IANA zone the meeting's times are given in; null for all-day events."
        ),
        "partner": _nullable_string(
            "Slug of the partner the event is with: an exchange's or one-off meeting's "
            "partner, a series meeting's host; null when the home municipality hosts."
        ),
        "partners": {
            "type": "array",
            "items": {"type": "string"},
            "uniqueItems": True,
            "description": "Slugs of every partner taking part (a series: its whole rotation).",
        },
        "host": _nullable_string(
            "Slug of the hosting city, which may be the home municipality; null for exchanges."
        ),
        "host_name": _nullable_string("Name of the hosting city; null for exchanges."),
        "venue": _string("Where, if known; may be empty."),
        "status": {
            "type": "string",
            "enum": ["confirmed", "moved", "cancelled"],
            "description": "`moved`: one meeting of a series moved from its usual date.",
        },
        "url": _string("The event's public page.", format="uri"),
        "recurrence_id": _nullable_string(
            "For a meeting of a series: its original start (ISO 8601 with offset), as "
            "RECURRENCE-ID in iCal, the same even when the meeting moved; else null.",
            pattern=DATE_TIME,
        ),
    },
    "A meeting (one occurrence of a series, or a one-off meeting) or an exchange.",
)
EVENT["allOf"] = [
    {
        "if": {"properties": {"all_day": {"const": True}}},
        "then": {
            "properties": {
                "start": {"pattern": DATE},
                "end": {"pattern": DATE},
                "timezone": {"type": "null"},
            }
        },
        "else": {
            "properties": {
                "start": {"pattern": DATE_TIME},
                "end": {"pattern": DATE_TIME},
                "timezone": {"type": "string"},
            }
        },
    }
]

ERROR = _object(
    {
        "error": _object(
            {
                "status": {"type": "integer", "description": "The HTTP status again."},
                "title": _string("Short name of the error, in the language of the answer."),
                "message": _string("What went wrong, in the language of the answer."),
            }
        )
    },
    "Every error of /api/v1 (400, 404, 405, 500) has this shape.",
)

HEADERS = {
    "ETag": {
        "description": "Strong entity tag of the body; send it back in If-None-Match.",
        "required": True,
        "schema": {"type": "string", "pattern": '^"[0-9a-f]{64}"$'},
    },
    "Cache-Control": {
        "description": "`public, max-age=300`.",
        "required": True,
        "schema": {"type": "string", "pattern": "^public, max-age=[0-9]+$"},
    },
    "Vary": {
        "description": "`Accept-Language`: titles and messages follow the language.",
        "schema": {"type": "string"},
    },
}

PARAMETERS = {
    "lang": {
        "name": "lang",
        "in": "query",
        "description": "`sv` or `en`; anything else is ignored and Accept-Language decides.",
        "schema": {"type": "string"},
        "examples": {"en": {"value": "en"}, "sv": {"value": "sv"}},
    },
    "if_none_match": {
        "name": "If-None-Match",
        "in": "header",
        "description": "ETags of copies the client holds (weak comparison; `*` matches any).",
        "schema": {"type": "string"},
    },
    "slug": {
        "name": "slug",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1},
        "example": "shanghai",
    },
    "from": {
        "name": "from",
        "in": "query",
        "description": (
            "First day of the window, `YYYY-MM-DD`, in the home municipality's zone "
            f"(years {EARLIEST_YEAR} to {LATEST_YEAR}). Default: today there."
        ),
        "schema": {"type": "string", "format": "date"},
        "example": "2026-01-01",
    },
    "to": {
        "name": "to",
        "in": "query",
        "description": (
            "Last day of the window (inclusive), `YYYY-MM-DD`, not before `from` and at most "
            f"{MAX_YEARS} years after it. Default: {DEFAULT_YEARS} year after `from`."
        ),
        "schema": {"type": "string", "format": "date"},
        "example": "2027-12-31",
    },
    "partner": {
        "name": "partner",
        "in": "query",
        "description": "Only the events this partner takes part in (its slug); unknown: 404.",
        "schema": {"type": "string"},
        "example": "bergen",
    },
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


RESPONSES = {
    "NotModified": {
        "description": "The copy named in If-None-Match is current; no body.",
        "headers": {name: _ref("headers", name) for name in HEADERS},
    },
    "BadRequest": _json(_ref("schemas", "Error"), "Bad input, e.g. a malformed date."),
    "NotFound": _json(_ref("schemas", "Error"), "No such partner."),
    "ServerError": _json(_ref("schemas", "Error"), "An error on the server's side."),
}


def _operation(
    operation_id: str,
    summary: str,
    schema: dict,
    parameters: list[str],
    *,
    not_found: bool = False,
) -> dict:
    ok = _json(schema, "OK")
    ok["headers"] = {name: _ref("headers", name) for name in HEADERS}
    responses = {
        "200": ok,
        "304": _ref("responses", "NotModified"),
        "400": _ref("responses", "BadRequest"),
    }
    if not_found:
        responses["404"] = _ref("responses", "NotFound")
    responses["500"] = _ref("responses", "ServerError")
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [_ref("parameters", p) for p in [*parameters, "lang", "if_none_match"]],
            "responses": responses,
        }
    }


def _array(name: str) -> dict:
    return {"type": "array", "items": _ref("schemas", name)}


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Vänort API",
        "version": "1",
        "description": (
            "The public data of the international office, read-only, as JSON. Answers carry "
            "an ETag and `Cache-Control: public, max-age=300`; a request whose If-None-Match "
            "names the current ETag gets 304. Unknown query parameters are ignored. Errors "
            'are `{"error": {"status", "title", "message"}}`, in the language asked for '
            "with `?lang=sv|en` or Accept-Language."
        ),
    },
    "paths": {
        "/api/v1/partners": _operation(
            "listPartners", "The public partners, by kind and name", _array("Partner"), []
        ),
        "/api/v1/partners/{slug}": _operation(
            "getPartner", "One partner", _ref("schemas", "Partner"), ["slug"], not_found=True
        ),
        "/api/v1/exchanges": _operation(
            "listExchanges",
            "Every public exchange not yet over, with its places left, soonest first",
            _array("Exchange"),
            [],
        ),
        "/api/v1/events": _operation(
            "listEvents",
            "Published meetings (a series expanded to its occurrences, moved ones at their "
            "new time) and public exchanges that overlap a window of days, by start",
            _array("Event"),
            ["from", "to", "partner"],
            not_found=True,
        ),
        "/api/v1/openapi.json": _operation("getOpenAPI", "This document", {"type": "object"}, []),
    },
    "components": {
        "schemas": {"Partner": PARTNER, "Exchange": EXCHANGE, "Event": EVENT, "Error": ERROR},
        "parameters": PARAMETERS,
        "headers": HEADERS,
        "responses": RESPONSES,
    },
}


def document() -> dict:
    """Return a copy of the OpenAPI document (callers may change it)."""
    return copy.deepcopy(DOCUMENT)
