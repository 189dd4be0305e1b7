"""Language choice and helpers for bilingual content."""

from __future__ import annotations

import functools
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from babel import Locale
from babel.dates import format_date, format_time
from flask import Flask, current_app, g, has_request_context, redirect, request
from flask_babel import get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import parse_accept_header
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Request

from app.config import LANGUAGES
from app.timeutil import to_local

APP_DIR = Path(__file__).parent


def translation_directories() -> str:
    """Return every package's translations folder (Flask-Babel merges them)."""
    dirs = sorted(str(p) for p in APP_DIR.glob("**/translations") if p.is_dir())
    return ";".join(dirs)


def select_locale() -> str:
    """Pick ?lang=, then the browser's Accept-Language, then the instance default."""
    if not has_request_context():  # a CLI command or a job: the instance default
        return current_app.config["DEFAULT_LANGUAGE"]
    return language_of(request, current_app.config["DEFAULT_LANGUAGE"])


def language_of(req: Request, default: str) -> str:
    """Return the language a request asks for: ?lang=, then Accept-Language, then `default`.

    Takes any werkzeug request, so the feeds' WSGI fast path chooses as a page does.
    """
    return asked_language(req) or accepted_language(req.headers.get("Accept-Language")) or default


@functools.lru_cache(maxsize=256)
def accepted_language(header: str | None) -> str | None:
    """Return the language we speak that an Accept-Language header prefers, if any.

    Kept per header: browsers and calendar apps send the same few, and parsing one costs
    more than the rest of a feed's 304.
    """
    return parse_accept_header(header, LanguageAccept).best_match(LANGUAGES)


def asked_language(req: Request) -> str | None:
    """Return the language a request asks for with ?lang=, if it is one we speak."""
    asked = req.args.get("lang", "").strip().lower()
    return asked if asked in LANGUAGES else None


def explicit_language() -> str | None:
    """Return the language asked for with ?lang=, if it is one we speak."""
    return asked_language(request)


def current_language() -> str:
    """Return the language of the current page as 'sv' or 'en'."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["DEFAULT_LANGUAGE"]


def localized(obj: object, field: str, lang: str | None = None) -> str:
    """Return obj.<field>_<lang>, falling back to the other language when empty."""
    lang = lang or current_language()
    value = getattr(obj, f"{field}_{lang}", "") or ""
    if value:
        return value
    for other in LANGUAGES:
        value = getattr(obj, f"{field}_{other}", "") or ""
        if value:
            return value
    return ""


def country_name(code: str | None, lang: str | None = None) -> str:
    """Return the country's name in the page's language."""
    if not code:
        return ""
    return Locale(lang or current_language()).territories.get(code.upper(), code.upper())


# One date style per language, Babel's long format: "5 mars 2027", "March 5, 2027". Every
# date a reader sees goes through show_date; machines get ISO dates (datetime attributes,
# feeds, CSV, the API).
DATE_FORMAT = "long"
TIME_FORMAT = "HH:mm"


def show_date(day: date, lang: str | None = None, zone: str | None = None) -> str:
    """Return a date in the page's language, in the one style of that language.

    An aware moment is shown as its date in `zone` (by default the instance's home zone).
    """
    if isinstance(day, datetime):
        day = to_local(day, zone or current_app.config["HOME_TIMEZONE"]).date()
    return _long_date(day, lang or current_language())


@lru_cache(maxsize=8192)
def _long_date(day: date, lang: str) -> str:
    # Babel parses the locale on every call: a page of a thousand dates paid for it.
    return format_date(day, DATE_FORMAT, locale=_locale(lang))


@lru_cache(maxsize=16)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def show_moment(moment: datetime, zone: str, lang: str | None = None) -> str:
    """Return an aware moment as the date and time in a zone (e.g. the home zone)."""
    local = to_local(moment, zone)
    lang = lang or current_language()
    clock = format_time(local.time(), TIME_FORMAT, locale=_locale(lang))
    return f"{show_date(local.date(), lang)} {clock}"


def page_path(path: str) -> str:
    """Return the nearest address at or above `path` that answers GET.

    A form's POST address (/signups/<token>/change, /exchanges/<id>/signup) leads to
    the page that holds the form (/signups/<token>, /exchanges/<id>).
    """
    adapter = current_app.create_url_adapter(request)
    while True:
        try:
            adapter.match(path, method="GET")
            return path
        except RequestRedirect as moved:  # a missing trailing slash
            return urlsplit(moved.new_url).path.removeprefix(request.script_root) or "/"
        except HTTPException:
            pass
        if path in ("", "/"):
            return "/"
        path = path.rstrip("/").rsplit("/", 1)[0] or "/"


def switch_language_url(lang: str) -> str:
    """Return the address of the current page in another language, always a GET page."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    path = request.path if request.method in ("GET", "HEAD") else page_path(request.path)
    return f"{request.script_root}{path}?{urlencode(args)}"


def init_app(app: Flask) -> None:
    """Keep an explicitly chosen language on every link the page makes."""

    @app.before_request
    def _remember_explicit_language() -> None:
        g.explicit_lang = explicit_language()

    @app.before_request
    def _get_on_a_form_address_opens_its_page():
        # A reload or a copied address of a page that answered a POST: show the form's
        # page instead of "405 Method not allowed".
        if (
            request.method == "GET"
            and isinstance(request.routing_exception, MethodNotAllowed)
            and not request.path.startswith("/api/")
        ):
            path = "/" + page_path(request.path).lstrip("/")
            query = request.query_string.decode()
            return redirect(f"{request.script_root}{path}" + (f"?{query}" if query else ""), 303)
        return None

    @app.url_defaults
    def _keep_language(endpoint: str, values: dict) -> None:
        lang = g.get("explicit_lang")
        if lang and "lang" not in values and endpoint != "static":
            values["lang"] = lang

    app.add_template_filter(show_date, "show_date")
    app.add_template_filter(show_moment, "show_moment")

    @app.context_processor
    def _i18n_context() -> dict:
        return {
            "localized": localized,
            "country_name": country_name,
            "current_language": current_language,
            "languages": LANGUAGES,
            "switch_language_url": switch_language_url,
        }
