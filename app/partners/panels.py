"""The partners' part of the coordinators' dashboard: each partner's latest project."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.partners.models import Project


def project_activity(today: date, since: datetime) -> dict[int, date]:
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
