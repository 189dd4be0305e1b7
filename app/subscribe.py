"""Links that put the planner's calendars into a visitor's own calendar app: a feed to
subscribe to (webcal, the address to copy, Google Calendar, Outlook) and one event to add
(its .ics download beside a Google Calendar link), and the .ics download answer itself.

Feed links carry ``?lang=en`` when the page is in English; Swedish, the feeds' own
default, keeps the bare address, so the one a Swedish page shows is the one to share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from flask import Flask, Response, current_app

from app.feeds.events import CalEvent
from app.feeds.ical import events_to_ical
from app.i18n import current_language

FEED_DEFAULT_LANGUAGE = "sv"
GOOGLE_RENDER = "https://calendar.google.com/calendar/render"
OUTLOOK_ADD_FROM_WEB = "https://outlook.live.com/calendar/0/addfromweb"
DETAILS_LIMIT = 1500  # Google's link carries the description in the URL: keep it short


@dataclass(frozen=True)
class Subscription:
    """The ways to subscribe to one feed."""

    name: str
    https: str
    webcal: str
    google: str
    outlook: str


def public_url(path: str) -> str:
    """Return a path of the planner as a full URL on its public address."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def feed_url(path: str, lang: str | None = None) -> str:
    """Return a feed's address, naming the language unless it is the feeds' default."""
    lang = lang or current_language()
    url = public_url(path)
    return url if lang == FEED_DEFAULT_LANGUAGE else f"{url}?{urlencode({'lang': lang})}"


def webcal_url(url: str) -> str:
    """Return the same address with the webcal scheme, which opens the calendar app."""
    return "webcal://" + url.split("://", 1)[1] if "://" in url else url


def subscription(path: str, name: str, lang: str | None = None) -> Subscription:
    """Return the subscribe links of the feed at `path`, named `name` where a client asks."""
    https = feed_url(path, lang)
    webcal = webcal_url(https)
    return Subscription(
        name=name,
        https=https,
        webcal=webcal,
        google=f"{GOOGLE_RENDER}?cid={quote(webcal, safe='')}",
        outlook=f"{OUTLOOK_ADD_FROM_WEB}?url={quote(https, safe='')}&name={quote(name, safe='')}",
    )


def _google_dates(event: CalEvent) -> str:
    if isinstance(event.start, datetime) and isinstance(event.end, datetime):
        return "/".join(
            moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") for moment in (event.start, event.end)
        )
    return f"{event.start:%Y%m%d}/{event.end:%Y%m%d}"  # all-day, the end day exclusive


def google_event_url(event: CalEvent) -> str:
    """Return a Google Calendar link that opens the event, filled in, to be saved."""
    details = event.description.strip()
    if len(details) > DETAILS_LIMIT:
        details = details[: DETAILS_LIMIT - 1].rstrip() + "…"
    if event.url:
        details = f"{details}\n\n{event.url}" if details else event.url
    params = {"action": "TEMPLATE", "text": event.title, "dates": _google_dates(event)}
    if details:
        params["details"] = details
    if event.location:
        params["location"] = event.location
    if isinstance(event.start, datetime) and event.timezone:
        params["ctz"] = event.timezone
    return f"{GOOGLE_RENDER}?{urlencode(params, quote_via=quote)}"


def ics_download(events: Iterable[CalEvent], *, name: str, filename: str) -> Response:
    """Answer with events as an .ics file to save or open (no METHOD: not an invitation)."""
    body = events_to_ical(events, name=name, method=None, refresh_minutes=None)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="vanort-{filename}.ics"'
    return response


def init_app(app: Flask) -> None:
    """Give every template the subscribe and add-event links."""

    @app.context_processor
    def _subscribe_context() -> dict:
        return {"calendar_subscription": subscription, "google_event_url": google_event_url}
