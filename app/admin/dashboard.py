"""What the dashboard shows besides agreements: each area's panel, and partnership health.

The dashboard names every panel and every kind of activity here, in the order shown;
an area adds its own by writing a function in its `panels.py` and listing it below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from app.calendar import version
from app.exchanges import panels as exchange_panels
from app.extensions import db
from app.grants import panels as grant_panels
from app.meetings import panels as meeting_panels
from app.partners import panels as partner_panels
from app.partners.models import PUBLIC_KINDS, Partner
from app.reminders import panels as reminder_panels

INACTIVE_AFTER_YEARS = 3


@dataclass(frozen=True)
class Panel:
    """A section of the dashboard: `context(today)` gives its template's variables, or None."""

    key: str
    template: str
    context: Callable[[date], dict | None]


# source(today, since) -> {partner id: day of its latest activity of that kind}; a
# source may leave out what happened before `since`, the start of the inactivity window.
ActivitySource = Callable[[date, datetime], dict[int, date]]
# plans(today, until) -> {partner id: day of its next planned activity of that kind after
# today}; a source may leave out what is planned from `until` on.
PlannedSource = Callable[[date, datetime], dict[int, date]]

PANELS: tuple[Panel, ...] = (
    Panel("upcoming_meetings", "admin/_panel_meetings.html", meeting_panels.upcoming_meetings),
    Panel("open_exchanges", "admin/_panel_exchanges.html", exchange_panels.open_exchanges),
    Panel("grant_deadlines", "grants/_panel_deadlines.html", grant_panels.grant_deadlines),
    Panel("failed_reminders", "reminders/_panel_failed.html", reminder_panels.failed_reminders),
)

ACTIVITY_SOURCES: tuple[tuple[ActivitySource, object], ...] = (
    (partner_panels.project_activity, _l("project")),
    (meeting_panels.meeting_activity, _l("meeting")),
    (exchange_panels.exchange_activity, _l("exchange")),
)

# Planned activity counts: a partner with a meeting or exchange coming is not inactive.
PLANNED_SOURCES: tuple[tuple[PlannedSource, object], ...] = (
    (partner_panels.project_plans, _l("project")),
    (meeting_panels.planned_meetings, _l("meeting")),
    (exchange_panels.planned_exchanges, _l("exchange")),
)

# The sources made only from rows the data version counts (`version.TRACKED`: projects,
# meetings, series, their hosts and changes, exchanges): what they find is kept per
# process by the version and the day. A source reading anything else is asked each time.
VERSIONED_SOURCES: frozenset[Callable] = frozenset(
    (
        partner_panels.project_activity,
        partner_panels.project_plans,
        meeting_panels.meeting_activity,
        meeting_panels.planned_meetings,
        exchange_panels.exchange_activity,
        exchange_panels.planned_exchanges,
    )
)


def panels(today: date) -> list[tuple[Panel, dict]]:
    """Return the panels to show, in order, each with its template variables."""
    shown = []
    for panel in PANELS:
        context = panel.context(today)
        if context is not None:
            shown.append((panel, context))
    return shown


@dataclass(frozen=True)
class PartnerRow:
    """What the health view shows of a partner, without database objects."""

    id: int
    slug: str
    name: str


@lru_cache(maxsize=8)
def _active_since(today: date) -> date:
    return today - relativedelta(years=INACTIVE_AFTER_YEARS)


@dataclass(frozen=True)
class Health:
    partner: PartnerRow
    last_activity: date | None
    source: object | None  # the label of the kind of activity that was the latest
    next_activity: date | None = None
    next_source: object | None = None  # the label of the kind of the next planned one

    def recently_active(self, today: date) -> bool:
        return self.last_activity is not None and self.last_activity >= _active_since(today)

    def inactive(self, today: date) -> bool:
        return self.next_activity is None and not self.recently_active(today)


def _windows(today: date) -> tuple[datetime, datetime]:
    """Return the start of the inactivity window and the end of the planning one."""
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    since = tomorrow - relativedelta(years=INACTIVE_AFTER_YEARS, days=1)
    return since, tomorrow + relativedelta(years=INACTIVE_AFTER_YEARS)


def _versioned(today: date) -> tuple[tuple[PartnerRow, ...], dict, dict]:
    """Return the public partners and what the sources of VERSIONED_SOURCES found."""
    since, until = _windows(today)
    partners = tuple(
        PartnerRow(*row)
        for row in db.session.execute(
            sa.select(Partner.id, Partner.slug, Partner.name)
            .where(Partner.kind.in_(PUBLIC_KINDS))
            .order_by(Partner.name)
        )
    )
    past = {s: s(today, since) for s, _label in ACTIVITY_SOURCES if s in VERSIONED_SOURCES}
    planned = {s: s(today, until) for s, _label in PLANNED_SOURCES if s in VERSIONED_SOURCES}
    return partners, past, planned


def partnership_health(today: date) -> list[Health]:
    """Return every public partner with its latest and next activity, least active first.

    The partners and what the sources in VERSIONED_SOURCES find are kept per process by
    the data version (`app.calendar.version.kept`); the other sources are asked each time.
    """
    partners, past, planned = version.kept("dashboard.health", today, lambda: _versioned(today))
    since, until = _windows(today)
    best: dict[int, tuple[date, object]] = {}
    for source, label in ACTIVITY_SOURCES:
        label = str(label)  # in the reader's language, once per kind rather than per row
        found = past[source] if source in past else source(today, since)
        for partner_id, day in found.items():
            if partner_id not in best or day > best[partner_id][0]:
                best[partner_id] = (day, label)
    coming: dict[int, tuple[date, object]] = {}
    for plans, label in PLANNED_SOURCES:
        label = str(label)
        found = planned[plans] if plans in planned else plans(today, until)
        for partner_id, day in found.items():
            if partner_id not in coming or day < coming[partner_id][0]:
                coming[partner_id] = (day, label)
    rows = [
        Health(p, *(best.get(p.id) or (None, None)), *(coming.get(p.id) or (None, None)))
        for p in partners
    ]
    return sorted(
        rows,
        key=lambda h: (
            not h.inactive(today),
            h.last_activity or date.min,
            h.partner.name.casefold(),
        ),
    )
