"""The grants' part of the coordinators' dashboard: obligations overdue or due soon.

Made only from grants and their obligations, which the data version counts: the first
rows and the count are kept per process as plain data (`app.calendar.version.kept`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.calendar import version
from app.grants import services

DUE_WITHIN_DAYS = 90


PANEL_ROWS = 10


@dataclass(frozen=True)
class GrantName:
    title: str
    programme: str


@dataclass(frozen=True)
class ObligationRow:
    """What the panel shows of an obligation, without database objects."""

    id: int
    kind: str
    due_on: date
    grant_id: int
    grant: GrantName


def grant_deadlines(today: date) -> dict:
    """Return the first open obligations overdue or due within 90 days, soonest first, and
    how many more there are."""
    found, total = version.kept("dashboard.grant_deadlines", today, lambda: _deadlines(today))
    return {
        "obligations": found,
        "more": total - len(found),
        "today": today,
        "within_days": DUE_WITHIN_DAYS,
    }


def _deadlines(today: date) -> tuple[tuple[ObligationRow, ...], int]:
    found = services.due_obligations(today, DUE_WITHIN_DAYS, limit=PANEL_ROWS)
    rows = tuple(
        ObligationRow(
            o.id, o.kind, o.due_on, o.grant_id, GrantName(o.grant.title, o.grant.programme)
        )
        for o in found
    )
    return rows, services.count_due_obligations(today, DUE_WITHIN_DAYS)
