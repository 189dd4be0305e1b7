"""What the month and year pages show: every event with a day in a window, by home-zone day.

Built from the same sources as the feeds, so pages and feeds agree: meeting occurrences
from `app.meetings.occurrences` (the feeds' expansion), exchanges as `exchange_event`
writes them, agreements' dates and grants' obligations from the private feed's own
functions, coming reminders from `app.reminders.services.planned_between` (the plan the
coordinators' reminder page shows). Only the window shown is asked for.

- `entries_between(first, last, ...)`: the entries, soonest first;
- `month_grid(year, month, entries, today)`: weeks of days (Monday first) with entries;
- `by_month(year, entries)`: each month's entries, for the year page.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

from flask import current_app, g, has_request_context, request, url_for
from flask_babel import gettext as _

from app.calendar import version
from app.calendar.feeds import agreement_events
from app.exchanges import models as xm
from app.exchanges.calendar import exchange_event
from app.exchanges.queries import exchanges_between
from app.feeds.events import CalEvent
from app.grants.calendar import obligation_events
from app.i18n import current_language, localized
from app.meetings.models import MeetingSeries
from app.meetings.occurrences import UpcomingOccurrence, occurrences_between
from app.meetings.recurrence import CANCELLED, SKIPPED
from app.partners.models import Partner
from app.reminders.services import planned_between
from app.reminders.sweep import Due
from app.timeutil import localize, to_local, utcnow

MEETING, EXCHANGE, AGREEMENT, GRANT = "meeting", "exchange", "agreement", "grant"
REMINDER = "reminder"
PUBLIC_KINDS = (MEETING, EXCHANGE)
COORDINATOR_KINDS = (MEETING, EXCHANGE, AGREEMENT, GRANT, REMINDER)
# What a coordinator sees without choosing a kind: the events. The reminders still to be
# sent (hundreds a month at size, each at its sending moment) are shown when chosen, so
# they neither bury a busy day's events nor cost every month page the reminders' plan.
COORDINATOR_DEFAULT_KINDS = (MEETING, EXCHANGE, AGREEMENT, GRANT)
UNPUBLISHED = "unpublished"  # a meeting or exchange only coordinators see
MIN_YEAR, MAX_YEAR = 1900, 2200
# Windows of entries kept per process (languages, filters, roles): months and days, and
# years, which at size hold thousands of entries each (a worker stays well under 200 MB).
KEPT_WINDOWS, KEPT_LONG_WINDOWS = 64, 4


@dataclass(frozen=True)
class Entry:
    """One event on the calendar pages, with the home-zone days it covers."""

    kind: str
    uid: str
    title: str
    path: str
    first_day: date
    last_day: date
    start: datetime | None = None  # a timed event's start and end (aware); None all day
    end: datetime | None = None
    timezone: str | None = None  # the place's zone of a timed event
    host: str = ""  # the meeting's host city
    partner: str = ""  # the exchange's partner
    status: str = "confirmed"  # confirmed, moved, cancelled, skipped, unpublished
    coordinators_only: bool = False

    @property
    def removed(self) -> bool:
        return self.status in (CANCELLED, SKIPPED)

    @property
    def all_day(self) -> bool:
        return self.start is None

    def overlaps(self, first: date, last: date) -> bool:
        return self.first_day <= last and self.last_day >= first


def _sort_key(entry: Entry) -> tuple:
    return (entry.first_day, entry.start is not None, entry.start or datetime.min, entry.title)


def _home_days(start: datetime, end: datetime, zone: str) -> tuple[date, date]:
    first = to_local(start, zone).date()
    last = to_local(max(start, end - timedelta(microseconds=1)), zone).date()
    return first, last


def _site_path(url: str | None) -> str:
    """Return a feed event's address as a path on this site, keeping the page's language."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    path = url[len(base) :] if url and url.startswith(base) else (url or "")
    lang = g.get("explicit_lang")
    return f"{path}?lang={lang}" if lang and path.startswith("/") else path


def _takes_part(occ: UpcomingOccurrence, partner: Partner) -> bool:
    if occ.host is not None and occ.host.id == partner.id:
        return True
    return isinstance(occ.item, MeetingSeries) and partner.id in {p.id for p in occ.item.rotation}


ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what url_for leaves unquoted in an _anchor


def _meeting_path(occ: UpcomingOccurrence, built: dict[tuple, str]) -> str:
    """Return the page of an occurrence; `built` keeps each meeting's address, built once
    however many of its occurrences the window holds."""
    item = occ.item
    series = isinstance(item, MeetingSeries)
    key = (series, item.id, occ.published)
    path = built.get(key)
    if path is None:
        if not occ.published:  # only coordinators see it: its workspace page
            path = (
                url_for("meetings_admin.series_admin", series_id=item.id)
                if series
                else url_for("meetings_admin.meeting_admin", meeting_id=item.id)
            )
        else:
            path = url_for("meetings.detail", public_id=item.public_id)
        built[key] = path
    if occ.published and occ.key:
        return f"{path}#{quote(f'o{occ.key}', safe=ANCHOR_SAFE)}"
    return path


def _meetings(start: datetime, end: datetime, zone: str, lang: str, partner, coordinator):
    found = occurrences_between(start, end, include_unpublished=coordinator, include_removed=True)
    built: dict[tuple, str] = {}
    for occ in found:
        if partner is not None and not _takes_part(occ, partner):
            continue
        first, last = _home_days(occ.start, occ.end, zone)
        status = occ.status if occ.published or occ.status in (CANCELLED, SKIPPED) else UNPUBLISHED
        yield Entry(
            kind=MEETING,
            uid=occ.uid,
            title=localized(occ, "title", lang),
            path=_meeting_path(occ, built),
            first_day=first,
            last_day=last,
            start=occ.start,
            end=occ.end,
            timezone=occ.timezone,
            host=occ.host.name if occ.host is not None else "",
            status=status,
        )


def _exchanges(first: date, last: date, lang: str, partner, coordinator):
    partner_id = partner.id if partner is not None else None
    for exchange in exchanges_between(first, last, partner_id, drafts=coordinator):
        event = exchange_event(exchange, lang)
        draft = exchange.status == xm.DRAFT
        path = (
            url_for("exchanges_admin.detail", exchange_id=exchange.id)
            if draft
            else url_for("exchanges.detail", exchange_id=exchange.id)
        )
        yield Entry(
            kind=EXCHANGE,
            uid=event.uid,
            title=event.title,
            path=path,
            first_day=exchange.starts_on,
            last_day=exchange.ends_on,
            partner=exchange.partner.name,
            status=UNPUBLISHED
            if draft
            else (CANCELLED if event.status == "CANCELLED" else "confirmed"),
        )


def _all_day(kind: str, events: Iterable[CalEvent]):
    for event in events:
        yield Entry(
            kind=kind,
            uid=event.uid,
            title=event.title,
            path=_site_path(event.url),
            first_day=event.start,  # type: ignore[arg-type]  (all-day: a date)
            last_day=event.end - timedelta(days=1),  # type: ignore[operator]
            coordinators_only=True,
        )


def _partner_ids(subject: object) -> set[int]:
    """Return the partners a reminder's subject belongs to (agreement, meeting, exchange...)."""
    ids: set[int] = set()
    series = getattr(subject, "series", None)
    if series is not None:  # an occurrence of a series: its host and its rotation
        ids |= {p.id for p in series.rotation}
        host = getattr(subject, "host", None)
        if host is not None:
            ids.add(host.id)
    grant = getattr(subject, "grant", None)
    for obj in (
        subject,
        getattr(subject, "exchange", None),
        grant,
        getattr(grant, "project", None),
    ):
        partner_id = getattr(obj, "partner_id", None)
        if partner_id is not None:
            ids.add(partner_id)
    return ids


def _reminders(start: datetime, end: datetime, zone: str, partner):
    """Yield one entry per coming reminder moment (its recipients together)."""
    seen: set[tuple] = set()
    path = url_for("reminders_admin.coming")
    lang = current_language()
    label = _("Reminder, %(offset)s before: %(title)s")  # translated once, not per reminder
    due: Due
    for due in planned_between(utcnow(), start, end):
        candidate = due.candidate
        key = (candidate.rule, candidate.object_key, candidate.original_start, due.offset)
        if key in seen:
            continue
        seen.add(key)
        if partner is not None and partner.id not in _partner_ids(candidate.subject):
            continue
        first, last = _home_days(due.due_at, due.due_at, zone)
        yield Entry(
            kind=REMINDER,
            uid=f"reminder|{key[0]}|{key[1]}|{key[2]}|{key[3]}",
            title=label % {"offset": due.offset_label, "title": candidate.title_in(lang)},
            path=path,
            first_day=first,
            last_day=last,
            start=due.due_at,
            end=due.due_at,
            timezone=zone,
            coordinators_only=True,
        )


def entries_between(
    first: date,
    last: date,
    *,
    zone: str,
    lang: str,
    partner: Partner | None = None,
    kinds: Sequence[str] = PUBLIC_KINDS,
    coordinator: bool = False,
) -> list[Entry]:
    """Return every event with a home-zone day from `first` to `last`, soonest first.

    Coordinators also see unpublished meetings, draft exchanges and, if asked for in
    `kinds`, agreements' decision dates and expiries, grants' obligations and the
    reminders still to be sent.

    The events (not the reminders, which move with the clock and the reminder log) are
    made only from rows the data version counts, so each process keeps them by that
    version (`version.kept`): a month read again is not built again until something in
    it may have changed.
    """
    start = localize(first, time(0), zone)
    end = localize(last + timedelta(days=1), time(0), zone)
    events = tuple(k for k in kinds if k != REMINDER)
    key = (
        first,
        last,
        zone,
        lang,
        g.get("explicit_lang"),  # in every path
        request.script_root if has_request_context() else "",
        partner.id if partner is not None else None,
        events,
        coordinator,
    )
    long = (last - first).days > 31  # a year: a dozen months' entries, kept fewer
    found = version.kept(
        "calendar-entries-long" if long else "calendar-entries",
        key,
        lambda: _events(first, last, start, end, zone, lang, partner, events, coordinator),
        size=KEPT_LONG_WINDOWS if long else KEPT_WINDOWS,
    )
    if coordinator and REMINDER in kinds:
        found = found + [
            e for e in _reminders(start, end, zone, partner) if e.overlaps(first, last)
        ]
        found.sort(key=_sort_key)
        return found
    return list(found)  # the kept list stays as it is, whatever the caller does


def _events(first, last, start, end, zone, lang, partner, kinds, coordinator) -> list[Entry]:
    found: list[Entry] = []
    if MEETING in kinds:
        found += _meetings(start, end, zone, lang, partner, coordinator)
    if EXCHANGE in kinds:
        found += _exchanges(first, last, lang, partner, coordinator)
    if coordinator and AGREEMENT in kinds:
        found += _all_day(AGREEMENT, agreement_events(first, last, partner=partner))
    if coordinator and GRANT in kinds:
        found += _all_day(GRANT, obligation_events(first, last, partner=partner))
    found = [e for e in found if e.overlaps(first, last)]
    found.sort(key=_sort_key)
    return found


# --- pure: the month's grid and the year's months ------------------------------------


@dataclass
class Day:
    """A day of the month's grid with its entries, each marked if it began on an earlier day."""

    day: date
    in_month: bool
    today: bool = False
    entries: list[tuple[Entry, bool]] = field(default_factory=list)


@dataclass(frozen=True)
class Week:
    number: int  # the ISO week number
    days: list[Day]


def month_weeks(year: int, month: int) -> list[list[date]]:
    """Return the weeks (Monday first) that hold a day of the month, each as seven dates."""
    return stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """Return the first and last day of a month."""
    return date(year, month, 1), date(year, month, stdlib_calendar.monthrange(year, month)[1])


def month_grid(year: int, month: int, entries: Iterable[Entry], today: date) -> list[Week]:
    """Return the month as weeks of days, each day with the entries it covers (in the
    entries' order)."""
    first, last = month_bounds(year, month)
    of_day: dict[date, list[tuple[Entry, bool]]] = {}
    for e in entries:  # each entry once, onto the days of the month it covers
        day = max(e.first_day, first)
        while day <= min(e.last_day, last):
            of_day.setdefault(day, []).append((e, day > e.first_day))
            day += timedelta(days=1)
    weeks = []
    for dates in month_weeks(year, month):
        days = []
        for day in dates:
            cell = Day(day=day, in_month=day.month == month, today=day == today)
            if cell.in_month:
                cell.entries = of_day.get(day, [])
            days.append(cell)
        weeks.append(Week(number=dates[0].isocalendar().week, days=days))
    return weeks


def by_month(year: int, entries: Iterable[Entry]) -> list[tuple[int, list[Entry]]]:
    """Return the twelve months of a year, each with the entries that have a day in it."""
    months: list[list[Entry]] = [[] for _ in range(12)]
    for e in entries:  # in the entries' order, onto each month of the year it covers
        if e.last_day.year < year or e.first_day.year > year:
            continue
        first = 1 if e.first_day.year < year else e.first_day.month
        last = 12 if e.last_day.year > year else e.last_day.month
        for m in range(first, last + 1):
            months[m - 1].append(e)
    return list(enumerate(months, start=1))


def neighbour_month(year: int, month: int, step: int) -> tuple[int, int] | None:
    """Return the month `step` months away, or None outside the years the pages show."""
    index = year * 12 + (month - 1) + step
    found = divmod(index, 12)
    if not MIN_YEAR <= found[0] <= MAX_YEAR:
        return None
    return found[0], found[1] + 1
