"""Meetings as calendar events, for the feeds, the .ics downloads and invitation mails.

A series whose meetings are all in one zone and place is one VEVENT with an RRULE: the
cancelled meetings as EXDATE, the moved ones as overrides whose RECURRENCE-ID is written
in the master's zone. A series whose host city rotates (the Nordic twin-town meeting) is
one VEVENT per meeting, each with a UID from the series and the meeting's original start,
up to the series' planned horizon. Version numbers never go back:

- a master's SEQUENCE is the series' plus every change's; its overrides carry the same;
- a meeting of its own has the series' SEQUENCE plus its own change's and the skips
  before it (a skip moves every later meeting to the next host);
- LAST-MODIFIED (and so DTSTAMP) is the latest of the rows the event is made from.

For other areas:
- `calendar_events(include_unpublished=False, lang=None, since=None, partner=None)`;
- `series_calevents(series, ...)`, `meeting_calevent(meeting, ...)` for one item;
- `invitation_calevent(occurrence, ...)`: one occurrence with the feeds' UID and SEQUENCE.

`calendar_events` keeps each series' and meeting's events per process, keyed by every
column of the rows they are made from (series, hosts and their partners, changes and
their hosts; meeting and partner), the language, `since`, the day and the site's
address. It reads those rows as plain values, not objects, and loads as objects only
the series and meetings whose rows changed: a feed rendered again after one change
reads columns, and expands and maps only what changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.dbutil import in_values
from app.extensions import db
from app.feeds.ical import Attendee, CalEvent
from app.i18n import current_language, localized
from app.installation import uid_domain
from app.meetings.display import in_language
from app.meetings.links import absolute_url, meeting_uid, occurrence_uid, public_path, series_uid
from app.meetings.memo import field, memo, read_rows, row, select_rows, series_key, series_keys
from app.meetings.models import Meeting, MeetingSeries, OccurrenceChange
from app.meetings.occurrences import (
    SeriesOccurrence,
    fixed_place,
    series_occurrences,
    series_query,
)
from app.meetings.recurrence import CANCELLED, MOVED, SKIPPED
from app.partners.models import Partner
from app.timeutil import localize, utcnow

CATEGORY = "meeting"


def _described(
    text: str, lang: str | None, *, reason: tuple[str, str], swap: tuple[str, str] = ("", "")
) -> str:
    """Return a DESCRIPTION: the text, then why the meeting changed, in the reader's
    language (falling back to the other)."""
    lang = lang or current_language()
    why, swap_why = in_language(*reason, lang), in_language(*swap, lang)
    parts = [text.strip()] if text and text.strip() else []
    with force_locale(lang):
        if why:
            parts.append(_("Reason: %(reason)s", reason=why))
        if swap_why:
            parts.append(_("Hosts swapped: %(reason)s", reason=swap_why))
    return "\n\n".join(parts)


def _organizer() -> Attendee:
    """Return the planner's sender address as the organiser of invitations."""
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return Attendee(email=address, name=name or "Vänort", role="CHAIR")


def meeting_calevent(
    meeting: Meeting,
    *,
    lang: str | None = None,
    attendees: Iterable[Attendee] = (),
    status: str | None = None,
) -> CalEvent:
    """Return the CalEvent of a one-off meeting (an unpublished one is TENTATIVE)."""
    attendees = tuple(attendees)
    if status is None:
        status = "CANCELLED" if meeting.cancelled else _status(meeting.published)
    return CalEvent(
        uid=meeting_uid(meeting),
        title=localized(meeting, "title", lang),
        start=meeting.starts_at,
        end=meeting.ends_at,
        timezone=meeting.timezone,
        description=_described(
            meeting.agenda,
            lang,
            reason=(meeting.cancel_reason, meeting.cancel_reason_en)
            if meeting.cancelled
            else ("", ""),
        ),
        location=meeting.venue or meeting.partner.name,
        url=absolute_url(public_path(meeting)),
        status=status,
        categories=(CATEGORY,),
        sequence=meeting.sequence,
        last_modified=meeting.updated_at,
        created=meeting.created_at,
        organizer=_organizer() if attendees else None,
        attendees=attendees,
    )


def _status(published: bool) -> str:
    return "CONFIRMED" if published else "TENTATIVE"


def _latest(*stamps: datetime | None) -> datetime | None:
    found = [s for s in stamps if s is not None]
    return max(found) if found else None


def _occurrence_calevent(
    occ: SeriesOccurrence,
    lang: str | None,
    *,
    sequence: int,
    last_modified: datetime | None,
    as_override: bool,
) -> CalEvent:
    series = occ.series
    return CalEvent(
        uid=series_uid(series) if as_override else occurrence_uid(series, occ.key),
        title=localized(series, "title", lang),
        start=occ.start,
        end=occ.end,
        timezone=occ.timezone,
        description=_described(
            localized(series, "description", lang),
            lang,
            reason=(occ.occurrence.reason, occ.occurrence.reason_en),
            swap=(occ.swap_reason, occ.swap_reason_en),
        ),
        location=occ.venue,
        url=absolute_url(public_path(series, occ.key)),
        status="CANCELLED" if occ.status in (CANCELLED, SKIPPED) else _status(series.published),
        categories=(CATEGORY,),
        sequence=sequence,
        last_modified=last_modified,
        created=series.created_at,
        recurrence_id=occ.occurrence.original_start if as_override else None,
        recurrence_timezone=series.timezone if as_override else None,
    )


def occurrence_calevents(
    series: MeetingSeries,
    *,
    lang: str | None = None,
    since: datetime | None = None,
    through: date | None = None,
) -> list[CalEvent]:
    """Return each meeting of a series as an event of its own, from `since` to the horizon."""
    events = []
    for occ in series_occurrences(series, through=through):
        if since is not None and occ.end <= since:
            continue
        sequence, last_modified = _own_version(series, occ.occurrence.original_start)
        events.append(
            _occurrence_calevent(
                occ, lang, sequence=sequence, last_modified=last_modified, as_override=False
            )
        )
    return events


def _own_version(series: MeetingSeries, original: datetime) -> tuple[int, datetime | None]:
    """Return the SEQUENCE and LAST-MODIFIED of a meeting of its own (see the docstring)."""
    own: OccurrenceChange | None = None
    sequence = series.sequence
    stamps = [series.updated_at]
    for change in series.changes:
        if change.original_start == original:
            own = change
        elif change.skipped and change.original_start < original:
            sequence += change.sequence
            stamps.append(change.updated_at)
    if own is not None:
        sequence += own.sequence
        stamps.append(own.updated_at)
    return sequence, _latest(*stamps)


def _master_version(series: MeetingSeries) -> tuple[int, datetime | None]:
    """Return the SEQUENCE and LAST-MODIFIED of a series' master and its overrides."""
    sequence = series.sequence + sum(c.sequence for c in series.changes)
    return sequence, _latest(series.updated_at, *(c.updated_at for c in series.changes))


def invitation_calevent(
    occ: SeriesOccurrence,
    *,
    lang: str | None = None,
    attendees: Iterable[Attendee] = (),
    status: str | None = None,
) -> CalEvent:
    """Return one occurrence as the feeds show it, for an invitation to that meeting alone.

    A meeting of its own keeps its UID and SEQUENCE; a meeting of a series written as one
    master is an instance of it: the series' UID, the meeting's original start as its
    RECURRENCE-ID and the master's SEQUENCE, as the feeds write an override.
    """
    series = occ.series
    as_override = fixed_place(series)
    if as_override:
        sequence, last_modified = _master_version(series)
    else:
        sequence, last_modified = _own_version(series, occ.occurrence.original_start)
    event = _occurrence_calevent(
        occ, lang, sequence=sequence, last_modified=last_modified, as_override=as_override
    )
    attendees = tuple(attendees)
    return replace(
        event,
        status=status or event.status,
        organizer=_organizer() if attendees else None,
        attendees=attendees,
    )


def _default_place(series: MeetingSeries) -> str:
    if series.venue:
        return series.venue
    hosts = series.rotation
    return hosts[0].name if hosts else ""


def master_calevents(series: MeetingSeries, *, lang: str | None = None) -> list[CalEvent]:
    """Return a series as one master (RRULE, EXDATE) and an override per changed meeting."""
    occurrences = series_occurrences(series, include_removed=True)
    sequence, last_modified = _master_version(series)
    rule = series.rule
    # The nominal wall time, even on a day the clocks skip it (see app.feeds.ical._point).
    master_start = datetime.combine(rule.first_date, rule.start_time, ZoneInfo(series.timezone))
    rrule_text = rule.ical()
    if rule.until is not None:
        until = localize(rule.until, time(23, 59, 59), series.timezone).astimezone(UTC)
        rrule_text += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ")
    place = _default_place(series)
    master = CalEvent(
        uid=series_uid(series),
        title=localized(series, "title", lang),
        start=master_start,
        end=localize(rule.first_date, rule.start_time, series.timezone) + series.duration,
        timezone=series.timezone,
        description=localized(series, "description", lang),
        location=place,
        url=absolute_url(public_path(series)),
        status=_status(series.published),
        categories=(CATEGORY,),
        sequence=sequence,
        last_modified=last_modified,
        created=series.created_at,
        rrule=rrule_text,
        exdates=tuple(
            o.occurrence.original_start for o in occurrences if o.status in (CANCELLED, SKIPPED)
        ),
    )
    events = [master]
    for occ in occurrences:
        if occ.status in (CANCELLED, SKIPPED):
            continue
        differs = (
            occ.status == MOVED
            or occ.start != occ.occurrence.original_start
            or occ.timezone != series.timezone
            or occ.venue != place
        )
        if differs:
            events.append(
                _occurrence_calevent(
                    occ, lang, sequence=sequence, last_modified=last_modified, as_override=True
                )
            )
    return events


def series_calevents(
    series: MeetingSeries, *, lang: str | None = None, since: datetime | None = None
) -> list[CalEvent]:
    """Return a series as feeds write it: a master with overrides, or meeting by meeting."""
    if fixed_place(series):
        return master_calevents(series, lang=lang)
    return occurrence_calevents(series, lang=lang, since=since)


def partner_rows() -> dict[int, tuple]:
    """Return every partner's `row` by id, read as plain rows (a feed's events name them)."""
    of_id = field(Partner, "id")
    return {p[of_id]: p for p in read_rows(db.session, Partner, select_rows(Partner))}


_MISSING = object()


def calendar_events(
    *,
    include_unpublished: bool = False,
    lang: str | None = None,
    since: datetime | None = None,
    partner: Partner | None = None,
    partners: dict[int, tuple] | None = None,
) -> list[CalEvent]:
    """Return every meeting as CalEvents: the series, then the one-off meetings.

    `since` leaves out meetings over by then; `partner` keeps the series it takes part
    in and its own one-off meetings. `partners` is `partner_rows()` if already read.

    The rows are read as plain column values (`memo.read_rows`), never as objects: each
    series' and meeting's events are kept per process under the values of every row they
    are made from, so after a change only what changed is loaded, expanded and mapped.
    What is missing is loaded as objects in one statement per kind and kept under the
    rows of those objects themselves (what another process committed in between is
    simply another key).
    """
    kept = memo("calevents")
    lang = lang or current_language()
    # What else the events depend on: the day (the horizon), the site and UID domain.
    context = (lang, since, utcnow().date(), absolute_url("/"), uid_domain())
    if partners is None:
        partners = partner_rows()
    events: list[CalEvent] = []

    query = select_rows(MeetingSeries).order_by(MeetingSeries.id)
    if not include_unpublished:
        query = query.where(MeetingSeries.published.is_(True))
    keys = series_keys(db.session, read_rows(db.session, MeetingSeries, query), partners)
    order = list(keys)
    found: dict[int, list[CalEvent]] = {}
    missing = []
    for sid, (key, hosts) in keys.items():
        if partner is not None and partner.id not in hosts:
            continue
        value = kept.find((key, context), _MISSING)
        if value is _MISSING:
            missing.append(sid)
        else:
            found[sid] = value
    del keys  # the rows read are not held while objects are loaded (a worker's peak)
    if missing:
        loaded = series_query(include_unpublished).where(in_values(MeetingSeries.id, missing))
        for series in db.session.scalars(loaded):
            found[series.id] = kept.get(
                (series_key(series), context),
                lambda series=series: series_calevents(series, lang=lang, since=since),
            )
    for sid in order:
        events.extend(found.get(sid, ()))

    query = (
        select_rows(Meeting)
        .where(Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if not include_unpublished:
        query = query.where(Meeting.published.is_(True))
    if since is not None:
        query = query.where(Meeting.ends_at > since)
    if partner is not None:
        query = query.where(Meeting.partner_id == partner.id)
    of_id, of_partner = field(Meeting, "id"), field(Meeting, "partner_id")
    meetings: dict[int, list[CalEvent]] = {}
    order, missing = [], []
    for m in read_rows(db.session, Meeting, query):
        order.append(m[of_id])
        value = kept.find((m, partners.get(m[of_partner]), context), _MISSING)
        if value is _MISSING:
            missing.append(m[of_id])
        else:
            meetings[m[of_id]] = value
    if missing:
        for m in db.session.scalars(sa.select(Meeting).where(in_values(Meeting.id, missing))):
            meetings[m.id] = kept.get(
                (row(m), row(m.partner), context),
                lambda m=m: [meeting_calevent(m, lang=lang)],
            )
    for mid in order:
        events.extend(meetings.get(mid, ()))
    return events
