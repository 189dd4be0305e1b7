"""The grants' part of the coordinators' dashboard: obligations overdue or due soon."""

from __future__ import annotations

from datetime import date

from app.grants import services

DUE_WITHIN_DAYS = 90


PANEL_ROWS = 10


def grant_deadlines(today: date) -> dict:
    """Return the first open obligations overdue or due within 90 days, soonest first, and
    how many more there are."""
    found = services.due_obligations(today, DUE_WITHIN_DAYS, limit=PANEL_ROWS)
    more = services.count_due_obligations(today, DUE_WITHIN_DAYS) - len(found)
    return {"obligations": found, "more": more, "today": today, "within_days": DUE_WITHIN_DAYS}
