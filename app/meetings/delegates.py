"""Delegates of one occurrence of a series and a series' standing delegation: plain
functions that change rows, flush and write the audit log, never commit. The caller
takes the series with `services.series_for_update` first.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import audit
from app.extensions import db
from app.mail import OutboxMail
from app.meetings.models import Delegate, MeetingSeries, StandingDelegate
from app.meetings.occurrence_invitations import (
    occurrence_delegates,
    queue_occurrence_cancellation,
    queue_occurrence_invitation,
)
from app.meetings.occurrences import SeriesOccurrence, find_occurrence, listed_occurrences
from app.meetings.recurrence import CANCELLED, SKIPPED
from app.meetings.validation import MeetingError, delegate_values
from app.timeutil import utcnow


def occurrence_or_error(series: MeetingSeries, key: str) -> SeriesOccurrence:
    """Return an occurrence of a series (cancelled ones too), or refuse the key."""
    occ = find_occurrence(series, key or "", include_removed=True)
    if occ is None:
        raise MeetingError(_l("This series has no meeting at that time."), field="name")
    return occ


def is_called_off(occ: SeriesOccurrence) -> bool:
    return occ.status in (CANCELLED, SKIPPED)


def _refuse_unless_coming(occ: SeriesOccurrence, field: str = "name") -> None:
    if is_called_off(occ):
        raise MeetingError(
            _l("This meeting has been cancelled: delegates can no longer be added."), field=field
        )
    if occ.start <= utcnow():
        raise MeetingError(
            _l("This meeting has already taken place: delegates can no longer be added."),
            field=field,
        )


def add_occurrence_delegate(series: MeetingSeries, key: str, **values: str) -> Delegate:
    """Add a delegate to one coming occurrence of a series."""
    occ = occurrence_or_error(series, key)
    _refuse_unless_coming(occ)
    original = occ.occurrence.original_start
    taken = [d.email for d in occurrence_delegates(series, original)]
    fields = delegate_values(values, taken)
    delegate = Delegate(series_id=series.id, original_start=original, **fields)
    db.session.add(delegate)
    db.session.flush()
    audit.record(
        audit.CREATE,
        delegate,
        summary=audit.say(
            "Delegate %(name)s added to occurrence %(key)s of series %(series)s",
            name=fields["name"],
            key=occ.key,
            series=series.id,
        ),
    )
    return delegate


def remove_occurrence_delegate(series: MeetingSeries, delegate: Delegate) -> OutboxMail | None:
    """Take a delegate off an occurrence; one who was invited gets a METHOD:CANCEL."""
    occ = find_occurrence(series, delegate.occurrence_key or "", include_removed=True)
    mail = None
    if (
        occ is not None
        and delegate.invited_sequence is not None
        and not is_called_off(occ)
        and occ.end > utcnow()
    ):
        mail = queue_occurrence_cancellation(occ, delegate, removed=True)
    audit.record(
        audit.DELETE,
        delegate,
        before=audit.snapshot(delegate),
        summary=(
            audit.say("Delegate removed; cancellation queued")
            if mail
            else audit.say("Delegate removed")
        ),
    )
    db.session.delete(delegate)
    db.session.flush()
    return mail


def invite_occurrence_delegates(series: MeetingSeries, key: str) -> list[OutboxMail]:
    """Queue an invitation to each delegate of a coming occurrence not yet invited."""
    occ = occurrence_or_error(series, key)
    _refuse_unless_coming(occ, field=None)
    delegates = occurrence_delegates(series, occ.occurrence.original_start)
    mails = [queue_occurrence_invitation(occ, d) for d in delegates if d.invited_sequence is None]
    if mails:
        audit.record(
            audit.UPDATE,
            series,
            summary=audit.say(
                "Invitations to occurrence %(key)s queued (delegates: %(n)s)",
                key=occ.key,
                n=len(mails),
            ),
        )
    return mails


# --- the standing delegation -------------------------------------------------------------


def add_standing_delegate(series: MeetingSeries, **values: str) -> StandingDelegate:
    """Add a person to a series' standing delegation."""
    fields = delegate_values(values, [d.email for d in series.standing_delegates])
    member = StandingDelegate(**fields)
    series.standing_delegates.append(member)
    db.session.flush()
    audit.record(
        audit.CREATE,
        member,
        summary=audit.say(
            "%(name)s joins the delegation of series %(series)s",
            name=fields["name"],
            series=series.id,
        ),
    )
    return member


def remove_standing_delegate(series: MeetingSeries, member: StandingDelegate) -> None:
    """Take a person off a series' standing delegation (occurrences keep their lists)."""
    audit.record(
        audit.DELETE,
        member,
        before=audit.snapshot(member),
        summary=audit.say("Left the standing delegation"),
    )
    series.standing_delegates.remove(member)
    db.session.flush()


def copy_standing_delegation(series: MeetingSeries, key: str) -> list[Delegate]:
    """Add the standing delegation to a coming occurrence, leaving out who is already on it."""
    occ = occurrence_or_error(series, key)
    _refuse_unless_coming(occ, field=None)
    original = occ.occurrence.original_start
    taken = {d.email.casefold() for d in occurrence_delegates(series, original)}
    added = []
    for member in series.standing_delegates:
        if member.email.casefold() in taken:
            continue
        delegate = Delegate(
            series_id=series.id,
            original_start=original,
            name=member.name,
            role=member.role,
            organisation=member.organisation,
            city=member.city,
            email=member.email,
            language=member.language,
        )
        db.session.add(delegate)
        added.append(delegate)
        taken.add(member.email.casefold())
    db.session.flush()
    if added:
        audit.record(
            audit.UPDATE,
            series,
            summary=audit.say(
                "Standing delegation (%(n)s) copied to occurrence %(key)s",
                n=len(added),
                key=occ.key,
            ),
        )
    return added


def copy_standing_delegation_to_coming(series: MeetingSeries) -> tuple[int, int]:
    """Copy the standing delegation to every coming meeting the series page lists (the next
    AHEAD_LISTED), called-off ones left out; return (meetings, delegates added)."""
    now = utcnow()
    meetings = added = 0
    for occ in listed_occurrences(series, now):
        if occ.end <= now or is_called_off(occ):
            continue
        copied = copy_standing_delegation(series, occ.key)
        meetings += bool(copied)
        added += len(copied)
    return meetings, added
