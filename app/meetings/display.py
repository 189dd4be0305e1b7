"""How meeting times are written on pages and in mail: in a named zone, in the reader's
language."""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date, format_time, get_day_names, get_month_names
from flask_babel import force_locale, pgettext
from flask_babel import gettext as _

from app.i18n import current_language, show_date
from app.meetings.recurrence import LAST, YEARS, Rule, nth_weekday
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


def multi_day(start: datetime, end: datetime, zone: str) -> bool:
    """Tell whether a meeting ends on a later local day than it starts."""
    return to_local(start, zone).date() != to_local(end, zone).date()


def days(start: datetime, end: datetime, zone: str, lang: str | None = None) -> str:
    """Return the local days of a meeting: '10 juni 2026 – 11 juni 2026' (the one date style)."""
    first, last = to_local(start, zone).date(), to_local(end, zone).date()
    return f"{show_date(first, lang)} – {show_date(last, lang)}"


def span(start: datetime, end: datetime, zone: str, lang: str | None = None) -> str:
    """Return 'måndag 12 juni 2028 10:00–16:00', or over days '10–11 juni 2026, 09:00–16:00'."""
    if multi_day(start, end, zone):
        return (
            f"{days(start, end, zone, lang)}, {clock(start, zone, lang)}–{clock(end, zone, lang)}"
        )
    return f"{when(start, zone, lang)}–{clock(end, zone, lang)}"


def long_date(value: date, lang: str | None = None) -> str:
    """Return a date as the page's language writes it in full, e.g. "31 december 2036"."""
    return show_date(value, lang)


# --- a series' rule in words ------------------------------------------------------------


def _ordinal(setpos: int) -> str:
    return {
        1: pgettext("weekday of the month", "first"),
        2: pgettext("weekday of the month", "second"),
        3: pgettext("weekday of the month", "third"),
        4: pgettext("weekday of the month", "fourth"),
        LAST: pgettext("weekday of the month", "last"),
    }.get(setpos, str(setpos))


def weekday_name(weekday: int, lang: str) -> str:
    """Return a weekday's name (0 = Monday) as the language writes it in a sentence."""
    return get_day_names("wide", locale=lang)[weekday]


def month_name(month: int, lang: str) -> str:
    """Return a month's name (1 = January) as the language writes it in a sentence."""
    return get_month_names("wide", locale=lang)[month]


def _every(rule: Rule) -> str:
    if rule.freq == YEARS:
        if rule.interval == 1:
            return _("every year")
        if rule.interval == 2:
            return _("every other year")
        return _("every %(num)d years", num=rule.interval)
    if rule.interval == 1:
        return _("every month")
    if rule.interval == 2:
        return _("every other month")
    return _("every %(num)d months", num=rule.interval)


def rule_in_words(rule: Rule, lang: str | None = None, *, capital: bool = False) -> str:
    """Return a rule as a sentence: 'every other year on the second Tuesday of June',
    'vartannat år den andra tisdagen i juni', 'every year on 10 June'."""
    words = _rule_in_words(rule, lang or current_language())
    return words[:1].upper() + words[1:] if capital else words


def _rule_in_words(rule: Rule, lang: str) -> str:
    with force_locale(lang):
        every = _every(rule)
        first = rule.first_date
        if rule.by_weekday is not None and rule.by_setpos is not None:
            nth, weekday = _ordinal(rule.by_setpos), weekday_name(rule.by_weekday, lang)
            if rule.freq == YEARS:
                return _(
                    "%(every)s on the %(nth)s %(weekday)s of %(month)s",
                    every=every,
                    nth=nth,
                    weekday=weekday,
                    month=month_name(first.month, lang),
                )
            return _("%(every)s on the %(nth)s %(weekday)s", every=every, nth=nth, weekday=weekday)
        if rule.freq == YEARS:
            return _(
                "%(every)s on %(day)d %(month)s",
                every=every,
                day=first.day,
                month=month_name(first.month, lang),
            )
        return _("%(every)s on day %(day)d", every=every, day=first.day)


def series_rule_in_words(series: object, lang: str | None = None, *, capital: bool = False) -> str:
    """Return a series' rule in words (see `rule_in_words`)."""
    return rule_in_words(series.rule, lang, capital=capital)  # type: ignore[attr-defined]


def weekday_mismatch(rule: Rule, lang: str | None = None) -> str:
    """Say why a rule's first date is not its weekday of the month, and which day is."""
    lang = lang or current_language()
    assert rule.by_weekday is not None and rule.by_setpos is not None
    first = rule.first_date
    match = nth_weekday(first.year, first.month, rule.by_weekday, rule.by_setpos)
    with force_locale(lang):
        return _(
            "%(date)s is not the %(nth)s %(weekday)s of %(month)s, %(match)s is. "
            "The first date must be such a day.",
            date=long_date(first, lang),
            nth=_ordinal(rule.by_setpos),
            weekday=weekday_name(rule.by_weekday, lang),
            month=month_name(first.month, lang),
            match=long_date(match, lang) if match is not None else "–",
        )


def series_days_and_end(series: object) -> tuple[int, time]:
    """Return how many local days a series' meeting spans and its local end time."""
    start = datetime.combine(series.first_date, series.start_time)  # type: ignore[attr-defined]
    end = start + series.duration  # type: ignore[attr-defined]
    return (end.date() - start.date()).days + 1, end.time()


def in_language(sv: str | None, en: str | None, lang: str | None = None) -> str:
    """Return a text given in both languages (a reason) in the reader's, else the other."""
    first, second = (en, sv) if (lang or current_language()) == "en" else (sv, en)
    return (first or "").strip() or (second or "").strip()
