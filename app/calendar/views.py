"""The calendar pages: /calendar/ (this month), /calendar/<year>/<month>, /calendar/<year>,
and /calendar/<year>/<month>/<day> (every event of one day).

Anyone sees published meetings (cancelled ones struck through) and exchanges; a logged-in
coordinator also sees unpublished ones, agreements' dates, grants' obligations, and the
reminders still to be sent when the kind "Reminders" is chosen. A GET form filters by partner (?partner=<slug>) and kind
(?kind=meeting|exchange|agreement|grant|reminder); the feed that holds what the page shows
is offered beside it. Days are the home municipality's; an impossible month or year
answers 404, an unknown kind 400. A month's day shows its first DAY_ROWS events and
links to the day's page for the rest, so a busy day stays readable and every event
reachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date, format_skeleton, get_day_names, get_month_names
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.auth.permissions import is_coordinator
from app.calendar import agenda, version
from app.calendar.routes import bp
from app.errors import abort_with
from app.i18n import current_language
from app.partners.models import Partner
from app.partners.services import (
    home_partner,
    home_timezone,
    home_today,
    partner_by_slug,
    partner_summaries,
)
from app.timeutil import to_local

DAY_ROWS = 5  # events a day of the month shows; its own page shows them all
MONTH_ROWS = 10  # events a month of the year page shows; the month shows them by day


@dataclass(frozen=True)
class Filters:
    """What the visitor asked to see."""

    partner: Partner | None
    kind: str  # "" for every kind
    coordinator: bool

    @property
    def kinds(self) -> tuple[str, ...]:
        if self.kind:
            return (self.kind,)
        return agenda.COORDINATOR_DEFAULT_KINDS if self.coordinator else agenda.PUBLIC_KINDS

    def args(self) -> dict[str, str | None]:
        """Return the query arguments that keep this filter on another page."""
        return {
            "partner": self.partner.slug if self.partner is not None else None,
            "kind": self.kind or None,
        }


def _kind_labels(coordinator: bool) -> dict[str, str]:
    labels = {agenda.MEETING: _("Meetings"), agenda.EXCHANGE: _("Youth exchanges")}
    if coordinator:
        labels |= {
            agenda.AGREEMENT: _("Agreements"),
            agenda.GRANT: _("Grants"),
            agenda.REMINDER: _("Reminders"),
        }
    return labels


def _filters() -> Filters:
    # The data version first, before any row: what the page keeps by it (its entries, its
    # grid with the chosen partner's name) is then never older than its key.
    version.current()
    coordinator = is_coordinator()
    kind = request.args.get("kind", "").strip()
    if kind and kind not in _kind_labels(coordinator):
        abort_with(400, _("There is no such kind of event. Choose one from the list."))
    slug = request.args.get("partner", "").strip()
    partner = None
    if slug:
        partner = partner_by_slug(slug)
        if partner is None:
            abort_with(404, _("There is no partner with that name. Choose one from the list."))
    return Filters(partner=partner, kind=kind, coordinator=coordinator)


def _check_year(year: int) -> None:
    if not agenda.MIN_YEAR <= year <= agenda.MAX_YEAR:
        abort_with(
            404,
            _(
                "The calendar shows the years %(first)d to %(last)d.",
                first=agenda.MIN_YEAR,
                last=agenda.MAX_YEAR,
            ),
        )


def _feed(filters: Filters) -> tuple[str, str]:
    """Return the path and name of the feed that holds what the page shows (or more)."""
    if filters.partner is not None:
        return (
            f"/calendar/partners/{filters.partner.slug}.ics",
            _("Vänort: %(partner)s", partner=filters.partner.name),
        )
    if filters.kind == agenda.MEETING:
        return "/calendar/meetings.ics", _("Vänort: meetings")
    if filters.kind == agenda.EXCHANGE:
        return "/calendar/exchanges.ics", _("Vänort: youth exchanges")
    return "/calendar.ics", _("Vänort: meetings and exchanges")


def _status_labels() -> dict[str, str]:
    return {
        "moved": _("moved"),
        "cancelled": _("cancelled"),
        "skipped": _("cancelled"),
        agenda.UNPUBLISHED: _("not published"),
    }


def _kind_words() -> dict[str, str]:
    return {
        agenda.MEETING: _("Meeting"),
        agenda.EXCHANGE: _("Exchange"),
        agenda.AGREEMENT: _("Agreement"),
        agenda.GRANT: _("Grant"),
        agenda.REMINDER: _("Reminder"),
    }


def _clock(moment: datetime, zone: str) -> str:
    """Return e.g. '10:00' (what babel's 'HH:mm' writes in Swedish and English alike)."""
    return to_local(moment, zone).strftime("%H:%M")


def _common(filters: Filters, lang: str) -> dict:
    home = home_partner()
    feed_path, feed_name = _feed(filters)
    return {
        "filters": filters,
        "kind_labels": _kind_labels(filters.coordinator),
        "partners": partner_summaries(),
        "status_labels": _status_labels(),
        # Words every entry repeats, translated once per page rather than once per entry.
        "kind_words": _kind_words(),
        "continued_word": _("continued"),
        "host_label": _("host: %(city)s"),
        "local_time_label": _("(%(time)s local time, %(zone)s)"),
        "clock": _clock,
        "home": home,
        "home_zone": home_timezone(home),
        "feed_path": feed_path,
        "feed_name": feed_name,
        "today": home_today(),
        "day_label": lambda day: format_date(day, "full", locale=lang),
        "short_day": lambda day: format_skeleton("MMMd", day, locale=lang),
        "lang": lang,
    }


def _month_link(year_month: tuple[int, int] | None, filters: Filters, lang: str) -> dict | None:
    if year_month is None:
        return None
    year, month = year_month
    return {
        "url": url_for("calendar.month", year=year, month=month, **filters.args()),
        "label": format_date(date(year, month, 1), "LLLL y", locale=lang),
    }


def _entries(first: date, last: date, filters: Filters, context: dict, lang: str) -> list:
    """Return the entries of the days first..last that the filters and the reader ask for."""
    return agenda.entries_between(
        first,
        last,
        zone=context["home_zone"],
        lang=lang,
        partner=filters.partner,
        kinds=filters.kinds,
        coordinator=filters.coordinator,
    )


def _month_page(year: int, month: int):
    _check_year(year)
    if not 1 <= month <= 12:
        abort_with(404, _("A month is numbered from 1 to 12."))
    filters = _filters()
    lang = current_language()
    context = _common(filters, lang)
    first, last = agenda.month_bounds(year, month)
    entries = _entries(first, last, filters, context, lang)
    title = format_date(first, "LLLL y", locale=lang)
    grid = {
        "title": title,
        "day_rows": DAY_ROWS,
        "day_url": lambda day: url_for(
            "calendar.day", year=day.year, month=day.month, day=day.day, **filters.args()
        ),
        "day_names": get_day_names("wide", locale=lang),
        "day_abbreviations": get_day_names("abbreviated", locale=lang),
        **context,
    }

    def render_grid() -> str:
        weeks = agenda.month_grid(year, month, entries, context["today"])
        return render_template("calendar/_month_grid.html", weeks=weeks, **grid)

    if agenda.REMINDER in filters.kinds:  # the reminders move without the data version
        shown = Markup(render_grid())  # noqa: S704  (a template's autoescaped output)
    else:
        key = (year, month, tuple(sorted(filters.args().items())), filters.coordinator)
        shown = version.kept_html("calendar-month-grid", (key, context["today"]), render_grid)
    return render_template(
        "calendar/month.html",
        year=year,
        month=month,
        grid=shown,
        entries=entries,
        previous=_month_link(agenda.neighbour_month(year, month, -1), filters, lang),
        following=_month_link(agenda.neighbour_month(year, month, 1), filters, lang),
        year_url=url_for("calendar.year", year=year, **filters.args()),
        **grid,
    )


@bp.get("/calendar/")
def index():
    today = home_today()
    return _month_page(today.year, today.month)


def _canonical(endpoint: str, **values: int):
    """Redirect /calendar/02026/01 to /calendar/2026/1 (query kept); None when canonical.

    The URL converter reads leading zeros as numbers, so one month had many addresses:
    caches, bookmarks and search engines should see one.
    """
    path = url_for(endpoint, **values).partition("?")[0]  # without the kept ?lang=
    if request.script_root + request.path == path:
        return None
    query = request.query_string.decode("latin-1")
    return redirect(f"{path}?{query}" if query else path, 301)


@bp.get("/calendar/<int:year>/<int:month>")
def month(year: int, month: int):
    return _canonical("calendar.month", year=year, month=month) or _month_page(year, month)


@bp.get("/calendar/<int:year>")
def year(year: int):
    return _canonical("calendar.year", year=year) or _year_page(year)


def _year_page(year: int):
    _check_year(year)
    filters = _filters()
    lang = current_language()
    context = _common(filters, lang)
    entries = _entries(date(year, 1, 1), date(year, 12, 31), filters, context, lang)
    around = [y for y in (year - 1, year + 1) if agenda.MIN_YEAR <= y <= agenda.MAX_YEAR]
    return render_template(
        "calendar/year.html",
        year=year,
        months=agenda.by_month(year, entries),
        month_rows=MONTH_ROWS,
        month_names=get_month_names("wide", locale=lang),
        entries=entries,
        previous=(
            url_for("calendar.year", year=year - 1, **filters.args())
            if year - 1 in around
            else None
        ),
        following=(
            url_for("calendar.year", year=year + 1, **filters.args())
            if year + 1 in around
            else None
        ),
        **context,
    )


@bp.get("/calendar/<int:year>/<int:month>/<int:day>")
def day(year: int, month: int, day: int):
    return _canonical("calendar.day", year=year, month=month, day=day) or _day_page(
        year, month, day
    )


def _day_page(year: int, month: int, day: int):
    _check_year(year)
    try:
        shown = date(year, month, day)
    except ValueError:
        abort_with(404, _("There is no such day in the calendar."))
    filters = _filters()
    lang = current_language()
    context = _common(filters, lang)
    entries = _entries(shown, shown, filters, context, lang)

    title = format_date(shown, "full", locale=lang)

    def link(other: date) -> dict | None:
        if not agenda.MIN_YEAR <= other.year <= agenda.MAX_YEAR:
            return None
        return {
            "url": url_for(
                "calendar.day",
                year=other.year,
                month=other.month,
                day=other.day,
                **filters.args(),
            ),
            "label": format_date(other, "full", locale=lang),
        }

    return render_template(
        "calendar/day.html",
        day=shown,
        title=title,
        heading=title[:1].upper() + title[1:],  # 'Tisdag 12 mars 2030' (not |capitalize:
        entries=[(e, e.first_day < shown) for e in entries],  # that lowercases 'March')
        previous=link(shown - timedelta(days=1)),
        following=link(shown + timedelta(days=1)),
        month_url=url_for("calendar.month", year=year, month=month, **filters.args()),
        month_label=format_date(shown, "LLLL y", locale=lang),
        **context,
    )
