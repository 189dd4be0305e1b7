"""The partners' part of the coordinators' dashboard: each partner's latest project."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.partners.models import Project


def project_activity(today: date, since: datetime) -> dict[int, date]:
    """Return each partner's latest project year up to today (a running one counts as today).

    One row per partner: a project that has begun (or has no start but an end) counts up
    to its last year, and up to this year if it has no end or ends later; the last day of
    its latest year, or today for this year.
    """
    year = today.year
    latest = sa.func.max(
        sa.case(
            (Project.ends_year.is_(None), year),
            (Project.ends_year > year, year),
            else_=Project.ends_year,
        )
    )
    rows = db.session.execute(
        sa.select(Project.partner_id, latest)
        .where(
            sa.or_(
                Project.starts_year <= year,
                sa.and_(Project.starts_year.is_(None), Project.ends_year.is_not(None)),
            )
        )
        .group_by(Project.partner_id)
    ).all()
    return {
        partner_id: today if last >= year else date(last, 12, 31)
        for partner_id, last in rows
        if last is not None
    }


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
