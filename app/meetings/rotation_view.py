"""A series' host rotation for its pages: the rows of the picture and its table, in the
reader's language, the next host in words, and the picture itself (`rotation_chart.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from app.i18n import current_language, show_date
from app.meetings import rotation_chart
from app.meetings.display import in_language
from app.meetings.models import MeetingSeries
from app.meetings.occurrences import SeriesOccurrence
from app.meetings.recurrence import CANCELLED, MOVED, SKIPPED, YEARS
from app.timeutil import to_local

PAST_SHOWN = 4  # held meetings the picture shows
COMING_SHOWN = 8  # meetings to come the picture shows


@dataclass(frozen=True)
class RotationRow:
    """One meeting of the rotation, as the picture and its table show it."""

    key: str
    when: str  # "2030", or "juni 2030" for a monthly series
    day: str  # the full date, for the table
    host: str
    by_turn: str  # whose turn it was, when a swap or a new host changed it
    status: str  # rotation_chart.HELD, PLANNED, CANCELLED, SKIPPED
    mark: str  # the row's mark in words
    note: str  # the same, short, for the picture
    reason: str
    swapped: bool
    moved: bool
    next: bool
    past: bool


@dataclass(frozen=True)
class RotationPicture:
    rows: list[RotationRow]
    svg: Markup
    next_host: str  # a sentence naming the next host


def _when(series: MeetingSeries, occ: SeriesOccurrence, lang: str) -> str:
    local = to_local(occ.start, occ.timezone).date()
    if series.rule.freq == YEARS:
        return str(local.year)
    return format_date(local, "MMM y", locale=lang)


def _mark(status: str, swapped: bool, moved: bool, by_turn: str, is_next: bool) -> tuple[str, str]:
    """Return a row's mark in words: in full for the table, short for the picture."""
    words = {
        rotation_chart.HELD: _("Held"),
        rotation_chart.CANCELLED: _("Cancelled"),
        rotation_chart.SKIPPED: _("Skipped, the rotation waits"),
        rotation_chart.PLANNED: _("Next") if is_next else _("Planned"),
    }[status]
    short = [] if status == rotation_chart.PLANNED and not is_next else [words]
    if status == rotation_chart.SKIPPED:
        short = [_("Skipped")]
    extra = []
    if swapped:
        extra.append(_("hosts swapped, by turn %(host)s", host=by_turn))
    elif by_turn:
        extra.append(_("new host, by turn %(host)s", host=by_turn))
    if moved:
        extra.append(_("moved"))
    full = ", ".join([words, *extra])
    note = ", ".join([*short, *extra])
    return full, note[:1].upper() + note[1:]


def rows_of(
    series: MeetingSeries, occurrences: list[SeriesOccurrence], now: datetime
) -> list[RotationRow]:
    """Return the picture's rows: the last few meetings held and the next few to come."""
    lang = current_language()
    past = [o for o in occurrences if o.end <= now][-PAST_SHOWN:]
    coming = [o for o in occurrences if o.end > now][:COMING_SHOWN]
    next_key = next((o.key for o in coming if o.status not in (CANCELLED, SKIPPED)), None)
    rows = []
    for occ in [*past, *coming]:
        is_past = occ.end <= now
        if occ.status == SKIPPED:
            status = rotation_chart.SKIPPED
        elif occ.status == CANCELLED:
            status = rotation_chart.CANCELLED
        else:
            status = rotation_chart.HELD if is_past else rotation_chart.PLANNED
        host = occ.host.name if occ.host is not None and status != rotation_chart.SKIPPED else ""
        swapped = bool(occ.swap_reason or occ.swap_reason_en)
        scheduled = occ.scheduled_host.name if occ.scheduled_host is not None else ""
        by_turn = scheduled if host and scheduled and scheduled != host else ""
        is_next = occ.key == next_key
        reason = in_language(occ.occurrence.reason, occ.occurrence.reason_en, lang)
        if swapped:
            swap_why = in_language(occ.swap_reason, occ.swap_reason_en, lang)
            reason = "; ".join(r for r in (reason, swap_why) if r)
        mark, note = _mark(status, swapped, occ.status == MOVED, by_turn, is_next)
        rows.append(
            RotationRow(
                key=occ.key,
                when=_when(series, occ, lang),
                day=show_date(to_local(occ.start, occ.timezone).date(), lang),
                host=host,
                by_turn=by_turn,
                status=status,
                mark=mark,
                note=note,
                reason=reason,
                swapped=swapped,
                moved=occ.status == MOVED,
                next=is_next,
                past=is_past,
            )
        )
    return rows


def next_host_sentence(rows: list[RotationRow]) -> str:
    """Name the next host in words: 'The next meeting, on 10 June 2030, is hosted by Bergen.'"""
    found = next((r for r in rows if r.next), None)
    if found is None:
        return _("No meeting of the series is planned.")
    if not found.host:
        return _("The next meeting, on %(day)s, has no host yet.", day=found.day)
    return _("The next meeting, on %(day)s, is hosted by %(host)s.", day=found.day, host=found.host)


def rotation_picture(
    series: MeetingSeries,
    occurrences: list[SeriesOccurrence],
    now: datetime,
    *,
    prefix: str = "rot",
) -> RotationPicture:
    """Return the rotation of a series: its rows, the picture and the next host in words."""
    rows = rows_of(series, occurrences, now)
    sentence = next_host_sentence(rows)
    order = ", ".join(h.name for h in series.rotation) or "–"
    svg = rotation_chart.rotation_svg(
        [
            rotation_chart.Row(
                when=r.when,
                host=r.host,
                status=r.status,
                note=r.note,
                swapped=r.swapped,
                next=r.next,
                past=r.past,
            )
            for r in rows
        ],
        title=_("Host rotation"),
        description=_(
            "The hosts in turn: %(order)s. One row per meeting, the oldest first; "
            "each row says whether the meeting was held, is next, swapped hosts, "
            "was skipped or was cancelled. %(next)s",
            order=order,
            next=sentence,
        ),
        today_label=_("Today"),
        legend_labels={
            "held": _("Held"),
            "next": _("Next"),
            "planned": _("Planned"),
            "swapped": _("Hosts swapped"),
            "skipped": _("Skipped"),
            "cancelled": _("Cancelled"),
        },
        prefix=prefix,
    )
    return RotationPicture(rows, svg, sentence)
