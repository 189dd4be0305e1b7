"""What the dashboard shows: panels other areas can add, and the partnership health view.

Extension points for later steps (meetings, exchanges):

* `register_panel(key, template, context, order)` adds a section to /admin/. `context`
  is called with today's date and returns the template's variables, or None to hide
  the panel. E.g. in app/meetings/routes.py:

      from app.admin.dashboard import register_panel
      register_panel("upcoming_meetings", "meetings/_dashboard.html",
                     lambda today: {"occurrences": upcoming(today, limit=10)}, order=30)

  The template is included inside a <section>; give it its own <h2>.
* `register_activity_source(key, source, label)` feeds the partnership health view:
  `source(today)` returns {partner_id: date of the partner's latest activity}, and
  `label` (a lazy string such as _l("meeting")) names that kind of activity. E.g.

      register_activity_source("meetings", last_meeting_per_partner, _l("meeting"))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.partners.models import PUBLIC_KINDS, Partner, Project

INACTIVE_AFTER_YEARS = 3


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[date], dict | None]
    order: int = 100


PANELS: dict[str, Panel] = {}
ACTIVITY_SOURCES: dict[str, tuple[Callable[[date], dict[int, date]], object]] = {}


def register_panel(
    key: str, template: str, context: Callable[[date], dict | None], order: int = 100
) -> None:
    """Add (or replace) a dashboard panel; registering the same key twice is harmless."""
    PANELS[key] = Panel(key, template, context, order)


def register_activity_source(
    key: str, source: Callable[[date], dict[int, date]], label: object = None
) -> None:
    """Add (or replace) a source of partners' latest activity dates."""
    ACTIVITY_SOURCES[key] = (source, label if label is not None else key)


def panels(today: date) -> list[tuple[Panel, dict]]:
    """Return the panels to show, in order, each with its template variables."""
    shown = []
    for panel in sorted(PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(today)
        if context is not None:
            shown.append((panel, context))
    return shown


def project_activity(today: date) -> dict[int, date]:
    """Return each partner's latest project year (an open-ended project counts as today)."""
    latest: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(Project.partner_id, Project.starts_year, Project.ends_year)
    ).all()
    for partner_id, starts, ends in rows:
        if ends is not None:
            day = min(date(ends, 12, 31), today)
        elif starts is not None:
            day = today if starts <= today.year else date(starts, 1, 1)
        else:
            continue
        if partner_id not in latest or day > latest[partner_id]:
            latest[partner_id] = day
    return latest


register_activity_source("projects", project_activity, _l("project"))


@dataclass(frozen=True)
class Health:
    partner: Partner
    last_activity: date | None
    source: object | None  # the label of the kind of activity that was the latest

    def inactive(self, today: date) -> bool:
        limit = today - relativedelta(years=INACTIVE_AFTER_YEARS)
        return self.last_activity is None or self.last_activity < limit


def partnership_health(today: date) -> list[Health]:
    """Return every public partner with its latest activity, least active first."""
    partners = db.session.scalars(
        sa.select(Partner).where(Partner.kind.in_(PUBLIC_KINDS)).order_by(Partner.name)
    ).all()
    best: dict[int, tuple[date, object]] = {}
    for source, label in ACTIVITY_SOURCES.values():
        for partner_id, day in source(today).items():
            if partner_id not in best or day > best[partner_id][0]:
                best[partner_id] = (day, label)
    rows = [Health(p, *(best.get(p.id) or (None, None))) for p in partners]
    return sorted(rows, key=lambda h: (h.last_activity or date.min, h.partner.name.casefold()))
