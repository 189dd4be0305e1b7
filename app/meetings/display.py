"""How meeting times are written on pages and in mail: in a named zone, in the reader's
language."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_time

from app.i18n import current_language
from app.timeutil import to_local


def when(moment: datetime, zone: str, lang: str | None = None) -> str:
    """Return e.g. 'måndag 12 juni 2028 10:00'."""
    lang = lang or current_language()
    at = to_local(moment, zone)
    return f"{format_date(at.date(), 'full', locale=lang)} {format_time(at.time(), 'HH:mm', locale=lang)}"


def clock(moment: datetime, zone: str, lang: str | None = None) -> str:
    """Return e.g. '10:00'."""
    return format_time(to_local(moment, zone).time(), "HH:mm", locale=lang or current_language())


def day(moment: datetime, zone: str, lang: str | None = None) -> str:
    """Return e.g. 'måndag 12 juni 2028'."""
    return format_date(to_local(moment, zone).date(), "full", locale=lang or current_language())


def zone_label(moment: datetime, zone: str) -> str:
    """Return the zone named, with its abbreviation at that moment: 'Europe/Oslo, CEST'."""
    abbreviation = to_local(moment, zone).tzname() or ""
    if abbreviation and not abbreviation.startswith(("+", "-")):
        return f"{zone}, {abbreviation}"
    return zone


def same_wall_clock(moment: datetime, zone: str, other_zone: str) -> bool:
    """Tell whether two zones show the same date and time at this moment."""
    a, b = to_local(moment, zone), to_local(moment, other_zone)
    return a.replace(tzinfo=None) == b.replace(tzinfo=None)


def span(start: datetime, end: datetime, zone: str, lang: str | None = None) -> str:
    """Return 'måndag 12 juni 2028 10:00–16:00', with the end's date when it differs."""
    if day(start, zone, lang) == day(end, zone, lang):
        return f"{when(start, zone, lang)}–{clock(end, zone, lang)}"
    return f"{when(start, zone, lang)} – {when(end, zone, lang)}"


def long_date(value: date, lang: str | None = None) -> str:
    """Return a date as the page's language writes it in full, e.g. "31 december 2036"."""
    return format_date(value, "long", locale=lang or current_language())
