"""The meetings' part of the coordinators' dashboard: the next meetings, and each partner's
latest meeting for the partnership health view."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.meetings import occurrences as meetings
from app.meetings.models import Meeting
from app.timeutil import utcnow

UPCOMING_MEETINGS = 8


def upcoming_meetings(today: date) -> dict:
    """Return the next meetings, published or not (coordinators see both)."""
    return {
        "occurrences": meetings.upcoming_occurrences(
            utcnow(), limit=UPCOMING_MEETINGS, include_unpublished=True
        )
    }


def meeting_activity(today: date, since: datetime) -> dict[int, date]:
    """Return each partner's latest meeting up to today (one-off meetings and series hosts).

    A series' hosts only matter inside the inactivity window, so its meetings are
    expanded back to `since` only.
    """
    now = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    latest: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(Meeting.partner_id, sa.func.max(Meeting.starts_at))
        .where(Meeting.starts_at < now, Meeting.cancelled_at.is_(None))
        .group_by(Meeting.partner_id)
    ).all()
    for partner_id, starts_at in rows:
        latest[partner_id] = starts_at.date()
    for held in meetings.hosted_between(since, now, include_unpublished=True, ordered=False):
        day = held.start.date()
        if held.host_id not in latest or day > latest[held.host_id]:
            latest[held.host_id] = day
    return latest


def planned_meetings(today: date, until: datetime) -> dict[int, date]:
    """Return each partner's next meeting after today (one-off or hosting a series' turn)."""
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    first: dict[int, datetime] = {}
    for held in meetings.hosted_between(tomorrow, until, include_unpublished=True, ordered=False):
        if held.start < tomorrow:
            continue
        if held.host_id not in first or held.start < first[held.host_id]:
            first[held.host_id] = held.start
    return {host_id: start.date() for host_id, start in first.items()}
