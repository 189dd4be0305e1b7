"""The reminders' part of the coordinators' dashboard: mail the server refused for good.

To show it, list `Panel("failed_reminders", "reminders/_panel_failed.html",
reminder_panels.failed_reminders)` in `app/admin/dashboard.py`'s PANELS.
"""

from __future__ import annotations

from datetime import date

from app.reminders import services


def failed_reminders(today: date) -> dict | None:
    """Return the reminders whose mail failed (newest first), or None when there are none."""
    count = services.failed_count()
    if not count:
        return None
    return {"count": count, "latest": services.reminder_log("failed", 1, per_page=5).rows}
