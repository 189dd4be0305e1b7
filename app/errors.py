"""Error pages in the visitor's language, and JSON errors for the API."""

from __future__ import annotations

import logging
from typing import NoReturn

from flask import Flask, abort, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from app.extensions import db

log = logging.getLogger(__name__)


def _messages() -> dict[int | str, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Forbidden"), _("You may not open this page.")),
        404: (_("Page not found"), _("There is no page at this address.")),
        405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
        413: (_("Too large"), _("What you sent is larger than we accept.")),
        422: (_("Could not be processed"), _("What you sent could not be processed.")),
        429: (
            _("Too many requests"),
            _("You have sent too many requests in a short time. Wait a while and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("An error occurred on our side. Nothing was saved; please try again."),
        ),
        UNCONFIRMED: (
            _("Something went wrong"),
            _(
                "The database did not confirm your change, so it may or may not have been saved. Check before you send it again."
            ),
        ),
    }


UNCONFIRMED = "unconfirmed"  # a 500 whose change may have been saved: the commit failed


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(code: int, detail: str | None = None, *, kind: str | None = None):
    """Render the error page or JSON error for an HTTP status code (or a named kind of it)."""
    title, message = _messages().get(kind or code, (str(code), ""))
    if wants_json():
        response = jsonify(
            {"error": {"status": code, "title": title, "message": detail or message}}
        )
        response.vary.add("Accept-Language")  # title and message follow the language
        return response, code
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def abort_with(code: int, message: str) -> NoReturn:
    """Stop the request with an error page (or JSON) that shows a translated message."""
    try:
        abort(code, description=message)
    except HTTPException as exc:
        exc.localized = True
        raise


def _has_nul(values: MultiDict) -> bool:
    return any("\x00" in k or "\x00" in v for k, v in values.items(multi=True))


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_characters() -> None:
        # No person types a NUL, and PostgreSQL cannot store one: say so instead of failing.
        if "\x00" in request.path:
            abort(404)  # no page has a NUL in its address
        if _has_nul(request.args) or (request.method == "POST" and _has_nul(request.form)):
            abort_with(400, _("What you sent contains a character that is not allowed (NUL)."))

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        db.session.rollback()
        return error_response(
            400,
            _(
                "The form has expired or did not come from this site. Go back, reload the page and send it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code and exc.code >= 400:
            db.session.rollback()
        if exc.code is None or exc.code < 400:
            return exc
        detail = exc.description if getattr(exc, "localized", False) else None
        response = make_response(error_response(exc.code, detail))
        for name, value in exc.get_headers():
            if name.lower() != "content-type":  # e.g. Allow, which a 405 must send
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        db.session.rollback()
        return error_response(500)
