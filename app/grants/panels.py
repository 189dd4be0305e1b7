"""The grants' part of the coordinators' dashboard: obligations overdue or due soon."""

from __future__ import annotations

from datetime import date

from app.grants import services

DUE_WITHIN_DAYS = 90


def grant_deadlines(today: date) -> dict:
    """Return open obligations overdue or due within 90 days, soonest first."""
    return {
        "obligations": services.due_obligations(today, DUE_WITHIN_DAYS),
        "today": today,
        "within_days": DUE_WITHIN_DAYS,
    }
