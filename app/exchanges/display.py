"""Words and formats for exchanges, in the page's (or a mail's) language."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.exchanges import models as m
from app.i18n import show_date, show_moment

STATUS_LABELS = {
    m.DRAFT: _l("Draft"),
    m.OPEN: _l("Open for sign-up"),
    m.CLOSED: _l("Sign-up closed"),
    m.CANCELLED: _l("Cancelled"),
}

DIRECTION_LABELS = {
    m.WE_TRAVEL: _l("Our pupils travel"),
    m.THEY_VISIT: _l("They visit us"),
    m.BOTH: _l("Both ways"),
}

SCHOOL_KIND_LABELS = {
    m.COMPULSORY: _l("Compulsory school"),
    m.UPPER_SECONDARY: _l("Upper secondary school"),
    m.CULTURE_SCHOOL: _l("Culture school"),
}

SIGNUP_STATUS_LABELS = {
    m.CONFIRMED: _l("Confirmed"),
    m.WAITLISTED: _l("On the waiting list"),
    m.OFFERED: _l("Places offered"),
    m.EXPIRED: _l("Offer lapsed"),
    m.SIGNUP_CANCELLED: _l("Sign-up cancelled"),
}


def long_date(day: date, lang: str | None = None) -> str:
    """Return a date as 24 november 2026 / 24 November 2026."""
    return show_date(day, lang)


def date_range(start: date, end: date, lang: str | None = None) -> str:
    """Return a whole-day range in words."""
    if start == end:
        return long_date(start, lang)
    return f"{long_date(start, lang)} – {long_date(end, lang)}"


def local_moment(moment: datetime, zone: str, lang: str | None = None) -> str:
    """Return a moment in the zone named, with the zone's name: 1 mars 2027 08:00 (Europe/Stockholm)."""
    return f"{show_moment(moment, zone, lang)} ({zone})"


def title_in(exchange: m.Exchange, lang: str) -> str:
    """Return the exchange's title in the language asked for, else in the other one."""
    if lang == "en" and exchange.title_en:
        return exchange.title_en
    return exchange.title_sv or exchange.title_en


def mask_email(address: str) -> str:
    """Hide most of an address: anna.berg@skola.example.org -> a***@skola.example.org."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def group_size(pupils: int, teachers: int) -> str:
    """Return a group as words: '1 pupil and 2 teachers', '4 elever och 1 lärare'."""
    return _(
        "%(pupils)s and %(teachers)s",
        pupils=ngettext("%(num)d pupil", "%(num)d pupils", pupils),
        teachers=ngettext("%(num)d teacher", "%(num)d teachers", teachers),
    )


def office_reason(signup: m.Signup, lang: str) -> str:
    """Return the office's reason for cancelling a sign-up in `lang`, else in the other one."""
    first, second = (
        (signup.cancel_reason_en, signup.cancel_reason)
        if lang == "en"
        else (signup.cancel_reason, signup.cancel_reason_en)
    )
    return first or second or ""
