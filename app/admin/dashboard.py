"""What the dashboard shows besides agreements: each area's panel, and partnership health.

The dashboard names every panel and every kind of activity here, in the order shown;
an area adds its own by writing a function in its `panels.py` and listing it below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

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


def panels(today: date) -> list[tuple[Panel, dict]]:
    """Return the panels to show, in order, each with its template variables."""
    shown = []
    for panel in PANELS:
        context = panel.context(today)
        if context is not None:
            shown.append((panel, context))
    return shown


@dataclass(frozen=True)
class Health:
    partner: Partner
    last_activity: date | None
    source: object | None  # the label of the kind of activity that was the latest
    next_activity: date | None = None
    next_source: object | None = None  # the label of the kind of the next planned one

    def recently_active(self, today: date) -> bool:
        limit = today - relativedelta(years=INACTIVE_AFTER_YEARS)
        return self.last_activity is not None and self.last_activity >= limit

    def inactive(self, today: date) -> bool:
        return self.next_activity is None and not self.recently_active(today)


def partnership_health(today: date) -> list[Health]:
    """Return every public partner with its latest and next activity, least active first."""
    partners = db.session.scalars(
        sa.select(Partner).where(Partner.kind.in_(PUBLIC_KINDS)).order_by(Partner.name)
    ).all()
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    since = tomorrow - relativedelta(years=INACTIVE_AFTER_YEARS, days=1)
    best: dict[int, tuple[date, object]] = {}
    for source, label in ACTIVITY_SOURCES:
        for partner_id, day in source(today, since).items():
            if partner_id not in best or day > best[partner_id][0]:
                best[partner_id] = (day, label)
    until = tomorrow + relativedelta(years=INACTIVE_AFTER_YEARS)
    coming: dict[int, tuple[date, object]] = {}
    for plans, label in PLANNED_SOURCES:
        for partner_id, day in plans(today, until).items():
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
