"""How a meeting is named outside the planner: its public page, its URL, its iCal UID."""

from __future__ import annotations

from flask import current_app

from app.installation import calendar_uid
from app.meetings.models import Meeting, MeetingSeries


def series_uid(series: MeetingSeries) -> str:
    """Return the iCal UID of a series (shared by all its occurrences)."""
    return calendar_uid("meeting-series", series.id)


def occurrence_uid(series: MeetingSeries, key: str) -> str:
    """Return a UID of one occurrence on its own (expanded feeds, the API)."""
    return calendar_uid("meeting-series", series.id, key)


def meeting_uid(meeting: Meeting) -> str:
    """Return the iCal UID of a one-off meeting."""
    return calendar_uid("meeting", meeting.id)


def public_path(item: MeetingSeries | Meeting, key: str | None = None) -> str:
    """Return the public page of a series (at an occurrence) or a one-off meeting."""
    path = f"/meetings/{item.public_id}"
    return f"{path}#o{key}" if key else path


def absolute_url(path: str) -> str:
    """Return a path of the planner as a full URL on its public address."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
