"""Invitations of delegates to one occurrence of a series: invitation, update and
cancellation mails, each with an .ics of that one meeting under the feeds' UID and
SEQUENCE (`calendar.invitation_calevent`), so a delegate's calendar and a subscribed feed
agree on which event it is and which version is newer.

Each mail's outbox key holds the SEQUENCE it carries, so a version is mailed once. A
delegate's `invited_sequence` is the SEQUENCE last mailed; `sync_occurrences` mails every
invited delegate whose meeting the feeds now show at another SEQUENCE: an update, or a
cancellation when the meeting has been cancelled or skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.feeds.ical import Attendee, event_to_ical
from app.mail import OutboxMail, queue_templated
from app.meetings.calendar import invitation_calevent
from app.meetings.documents import occurrence_agenda
from app.meetings.invitations import MeetingVersion, meeting_changes
from app.meetings.models import REPLY_ACCEPTED, REPLY_DECLINED, Delegate, MeetingSeries
from app.meetings.occurrences import SeriesOccurrence, find_occurrence
from app.meetings.recurrence import CANCELLED, SKIPPED, occurrence_key
from app.meetings.replies import MeetingView, reply_url
from app.partners.services import home_timezone
from app.timeutil import utcnow


def occurrence_version(occ: SeriesOccurrence) -> MeetingVersion:
    """Return what a delegate's calendar holds of an occurrence (the "before" of updates)."""
    series = occ.series
    return MeetingVersion(
        title_sv=series.title_sv,
        title_en=series.title_en,
        partner_name=occ.host.name if occ.host is not None else "–",
        starts_at=occ.start,
        ends_at=occ.end,
        timezone=occ.timezone,
        venue=occ.venue,
    )


def _key(kind: str, occ: SeriesOccurrence, delegate: Delegate, sequence: int) -> str:
    # The nonce keeps a new delegate on a reused row id from sharing an old one's keys.
    return (
        f"occurrence-{kind}:{occ.series.id}:{occ.key}:{delegate.id}"
        f":{delegate.reply_nonce[:8]}:{sequence}"
    )


def _context(occ: SeriesOccurrence, delegate: Delegate, view: MeetingView) -> dict:
    return {
        "meeting": view,
        "delegate": delegate,
        "lang": delegate.language,
        "home_zone": home_timezone(),
        "url": view.url,
    }


def queue_occurrence_invitation(
    occ: SeriesOccurrence,
    delegate: Delegate,
    *,
    previous: MeetingVersion | None = None,
    agenda: str | None = None,
    reinstated: bool = False,
) -> OutboxMail:
    """Queue this version of an occurrence (METHOD:REQUEST) to one delegate, with reply links.

    With `previous`, the mail is an update saying what changed since that version. The
    mail carries the occurrence's agenda (public or not: delegates are invited to it)
    unless `agenda` is given.
    """
    attendee = Attendee(email=delegate.email, name=delegate.name)
    event = invitation_calevent(occ, lang=delegate.language, attendees=(attendee,))
    if agenda is None:
        agenda = occurrence_agenda(occ.series, occ.occurrence.original_start)
    view = MeetingView.of_occurrence(occ, agenda)
    extra: dict[str, object] = {}
    template = "meetings/mail/invitation"
    if reinstated:  # on again: the mail says so, not what changed since the cancellation
        template = "meetings/mail/update"
        extra = {"reinstated": True, "previous": previous, "changes": ()}
    elif previous is not None:
        template = "meetings/mail/update"
        extra = {
            "previous": previous,
            "changes": tuple(meeting_changes(previous, occurrence_version(occ))),
        }
    mail = queue_templated(
        key=_key("invitation", occ, delegate, event.sequence),
        to=delegate.email,
        template=template,
        language=delegate.language,
        ics=event_to_ical(event, method="REQUEST", dtstamp=event.last_modified),
        ics_method="REQUEST",
        ics_filename="invitation.ics",
        accept_url=reply_url(delegate, REPLY_ACCEPTED),
        decline_url=reply_url(delegate, REPLY_DECLINED),
        **_context(occ, delegate, view),
        **extra,
    )
    delegate.invited_sequence = event.sequence
    return mail


def queue_occurrence_cancellation(
    occ: SeriesOccurrence, delegate: Delegate, *, removed: bool = False
) -> OutboxMail:
    """Queue a METHOD:CANCEL of an occurrence (called off, or the delegate removed) to one."""
    attendee = Attendee(email=delegate.email, name=delegate.name)
    event = invitation_calevent(
        occ, lang=delegate.language, attendees=(attendee,), status="CANCELLED"
    )
    mail = queue_templated(
        key=_key("cancellation", occ, delegate, event.sequence),
        to=delegate.email,
        template="meetings/mail/cancellation",
        language=delegate.language,
        ics=event_to_ical(event, method="CANCEL", dtstamp=event.last_modified),
        ics_method="CANCEL",
        ics_filename="cancellation.ics",
        removed=removed,
        **_context(occ, delegate, MeetingView.of_occurrence(occ)),
    )
    delegate.invited_sequence = event.sequence
    return mail


def occurrence_delegates(series: MeetingSeries, original: datetime) -> list[Delegate]:
    """Return the delegates of one occurrence, in the order they were added."""
    return list(
        db.session.scalars(
            sa.select(Delegate)
            .where(Delegate.series_id == series.id, Delegate.original_start == original)
            .order_by(Delegate.id)
        )
    )


def _invited(series: MeetingSeries) -> dict[datetime, list[Delegate]]:
    rows = db.session.scalars(
        sa.select(Delegate)
        .where(Delegate.series_id == series.id, Delegate.invited_sequence.is_not(None))
        .order_by(Delegate.original_start, Delegate.id)
    )
    found: dict[datetime, list[Delegate]] = defaultdict(list)
    for delegate in rows:
        assert delegate.original_start is not None
        found[delegate.original_start].append(delegate)
    return found


def invited_versions(series: MeetingSeries) -> dict[datetime, MeetingVersion]:
    """Return, before a change, the version of each occurrence that has invited delegates."""
    versions = {}
    for original in _invited(series):
        occ = find_occurrence(series, occurrence_key(original), include_removed=True)
        if occ is not None:
            versions[original] = occurrence_version(occ)
    return versions


def sync_occurrences(
    series: MeetingSeries,
    previous: dict[datetime, MeetingVersion],
    *,
    only: Iterable[datetime] | None = None,
    now: datetime | None = None,
    reinstated: Iterable[datetime] = (),
) -> list[OutboxMail]:
    """Mail each invited delegate whose occurrence the feeds now show at a new SEQUENCE.

    A called-off meeting sends a cancellation, a meeting on again an update (METHOD:REQUEST)
    saying what changed since `previous`; meetings already over are left alone. `only`
    limits this to some occurrences (a series in one place numbers all its meetings by one
    SEQUENCE, and a change to one should not mail the delegates of every other).
    """
    now = now or utcnow()
    wanted = None if only is None else set(only)
    back_on = set(reinstated)
    mails = []
    for original, delegates in _invited(series).items():
        if wanted is not None and original not in wanted:
            continue
        occ = find_occurrence(series, occurrence_key(original), include_removed=True)
        if occ is None or occ.end <= now:
            continue
        sequence = invitation_calevent(occ).sequence
        for delegate in delegates:
            if delegate.invited_sequence == sequence:
                continue
            if occ.status in (CANCELLED, SKIPPED):
                mails.append(queue_occurrence_cancellation(occ, delegate))
            else:
                before = previous.get(original) or occurrence_version(occ)
                mails.append(
                    queue_occurrence_invitation(
                        occ, delegate, previous=before, reinstated=original in back_on
                    )
                )
    return mails
