"""The partners' part of the coordinators' dashboard: each partner's latest project."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.partners.models import Project


def project_activity(today: date, since: datetime) -> dict[int, date]:
    """Return each partner's latest project year up to today (a running one counts as today)."""
    latest: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(Project.partner_id, Project.starts_year, Project.ends_year)
    ).all()
    for partner_id, starts, ends in rows:
        if ends is not None:
            day = min(date(ends, 12, 31), today)
        elif starts is not None and starts <= today.year:
            day = today
        else:
            continue
        if starts is not None and starts > today.year:
            continue  # not begun yet: planned, see project_plans
        if partner_id not in latest or day > latest[partner_id]:
            latest[partner_id] = day
    return latest


def project_plans(today: date, until: datetime) -> dict[int, date]:
    """Return each partner's next project that begins in a later year than today's."""
    planned: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(Project.partner_id, sa.func.min(Project.starts_year))
        .where(Project.starts_year > today.year, Project.starts_year <= until.year)
        .group_by(Project.partner_id)
    ).all()
    for partner_id, starts in rows:
        planned[partner_id] = date(starts, 1, 1)
    return planned
