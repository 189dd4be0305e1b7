"""Meetings as calendar events: series (master, RRULE, EXDATE and RECURRENCE-ID
overrides, or expanded) and one-off meetings, for the feeds and invitation mails.

For other areas:
- `calendar_events(include_unpublished=False, expanded=False, lang=None)` -> list[CalEvent];
- `series_calevents(series, ...)`, `meeting_calevent(meeting, ...)` for one item.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.feeds.ical import Attendee, CalEvent
from app.i18n import localized
from app.meetings.links import absolute_url, meeting_uid, occurrence_uid, public_path, series_uid
from app.meetings.models import Meeting, MeetingSeries
from app.meetings.occurrences import SeriesOccurrence, series_occurrences, series_query
from app.meetings.recurrence import CANCELLED, MOVED, SKIPPED
from app.timeutil import localize


def _organizer() -> Attendee:
    """Return the planner's sender address as the organiser of invitations."""
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return Attendee(email=address, name=name or "Vänort", role="CHAIR")


def meeting_calevent(
    meeting: Meeting, *, lang: str | None = None, attendees: Iterable[Attendee] = ()
) -> CalEvent:
    """Return the CalEvent of a one-off meeting."""
    attendees = tuple(attendees)
    return CalEvent(
        uid=meeting_uid(meeting),
        title=localized(meeting, "title", lang),
        start=meeting.starts_at,
        end=meeting.ends_at,
        timezone=meeting.timezone,
        description=meeting.agenda,
        location=meeting.venue or meeting.partner.name,
        url=absolute_url(public_path(meeting)),
        status="CANCELLED" if meeting.cancelled else "CONFIRMED",
        categories=("meeting",),
        sequence=meeting.sequence,
        last_modified=meeting.updated_at,
        created=meeting.created_at,
        organizer=_organizer() if attendees else None,
        attendees=attendees,
    )


def _occurrence_calevent(occ: SeriesOccurrence, lang: str | None, *, as_override: bool) -> CalEvent:
    series = occ.series
    host = occ.host.name if occ.host is not None else ""
    return CalEvent(
        uid=series_uid(series) if as_override else occurrence_uid(series, occ.key),
        title=localized(series, "title", lang),
        start=occ.start,
        end=occ.end,
        timezone=occ.timezone,
        description=localized(series, "description", lang),
        location=occ.venue or host,
        url=absolute_url(public_path(series, occ.key)),
        status="CANCELLED" if occ.status in (CANCELLED, SKIPPED) else "CONFIRMED",
        categories=("meeting",),
        sequence=series.sequence + occ.occurrence.sequence,
        last_modified=series.updated_at,
        created=series.created_at,
        recurrence_id=occ.occurrence.original_start if as_override else None,
    )


def series_calevents(
    series: MeetingSeries,
    *,
    lang: str | None = None,
    expanded: bool = False,
    start: datetime | None = None,
    through: date | None = None,
) -> list[CalEvent]:
    """Return a series as a master (RRULE, EXDATE) plus RECURRENCE-ID overrides, or expanded.

    Overrides are written for the occurrences, up to `through`, that differ from what the
    RRULE alone says (moved, held in another zone, another venue or host). Expanded,
    each occurrence from `start` to `through` is an event of its own.
    """
    occurrences = series_occurrences(series, through=through, include_removed=not expanded)
    if expanded:
        return [
            _occurrence_calevent(o, lang, as_override=False)
            for o in occurrences
            if start is None or o.end > start
        ]
    rule = series.rule
    first_local = datetime.combine(rule.first_date, rule.start_time)
    master_start = localize(first_local.date(), first_local.time(), series.timezone)
    rrule_text = rule.ical()
    if rule.until is not None:
        until = localize(rule.until, time(23, 59, 59), series.timezone).astimezone(UTC)
        rrule_text += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ")
    exdates = tuple(
        o.occurrence.original_start for o in occurrences if o.status in (CANCELLED, SKIPPED)
    )
    master = CalEvent(
        uid=series_uid(series),
        title=localized(series, "title", lang),
        start=master_start,
        end=master_start + series.duration,
        timezone=series.timezone,
        description=localized(series, "description", lang),
        location=series.venue,
        url=absolute_url(public_path(series)),
        categories=("meeting",),
        sequence=series.sequence,
        last_modified=series.updated_at,
        created=series.created_at,
        rrule=rrule_text,
        exdates=exdates,
    )
    events = [master]
    for occ in occurrences:
        if occ.status in (CANCELLED, SKIPPED):
            continue
        differs = (
            occ.status == MOVED
            or occ.start != occ.occurrence.original_start
            or occ.timezone != series.timezone
            or (occ.venue or "") != series.venue
        )
        if differs:
            events.append(_occurrence_calevent(occ, lang, as_override=True))
    return events


def calendar_events(
    *,
    include_unpublished: bool = False,
    expanded: bool = False,
    lang: str | None = None,
    start: datetime | None = None,
) -> list[CalEvent]:
    """Return every meeting as CalEvents (for the feeds of the calendar step)."""
    events: list[CalEvent] = []
    for series in db.session.scalars(series_query(include_unpublished)):
        events.extend(series_calevents(series, lang=lang, expanded=expanded, start=start))
    query = (
        sa.select(Meeting)
        .where(Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if not include_unpublished:
        query = query.where(Meeting.published.is_(True))
    if start is not None:
        query = query.where(Meeting.ends_at > start)
    events.extend(meeting_calevent(m, lang=lang) for m in db.session.scalars(query))
    return events
