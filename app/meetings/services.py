"""Meeting operations: plain functions that change series, meetings and delegates,
flush and write the audit log, never commit. They take their own row locks and raise
`MeetingError` when the rules refuse a change.

Occurrences are computed in `occurrences`, calendar events in `calendar`, and the
delegates' mails in `invitations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import audit
from app.dbutil import begin_write_transaction, lock_for_update
from app.extensions import db
from app.mail import OutboxMail
from app.meetings import recurrence
from app.meetings.invitations import (
    MeetingVersion,
    meeting_changes,
    queue_cancellation,
    queue_invitation,
    send_updates,
)
from app.meetings.models import (
    Delegate,
    Meeting,
    MeetingSeries,
    OccurrenceChange,
    OccurrenceDetail,
    OccurrenceDocument,
    SeriesHost,
)
from app.meetings.occurrence_invitations import invited_versions, sync_occurrences
from app.meetings.occurrences import SeriesOccurrence, find_occurrence
from app.meetings.recurrence import Rule
from app.meetings.validation import (
    MeetingError,
    check_gap,
    check_timezone,
    default_zone,
    delegate_values,
    meeting_values,
    rotation_partners,
    series_values,
)
from app.partners.models import Partner
from app.timeutil import to_local, utcnow

# --- taking rows for writing ------------------------------------------------------------


def series_for_update(series_id: int) -> MeetingSeries | None:
    """Take a series for writing, so two coordinators' changes cannot collide; None if none."""
    begin_write_transaction()
    return lock_for_update(MeetingSeries, series_id)


def meeting_for_update(meeting_id: int) -> Meeting | None:
    """Take a one-off meeting for writing, so two coordinators' changes cannot collide."""
    begin_write_transaction()
    return lock_for_update(Meeting, meeting_id)


# --- series -----------------------------------------------------------------------------


def _set_rotation(series: MeetingSeries, partners: list[Partner]) -> None:
    series.hosts.clear()
    db.session.flush()
    for position, partner in enumerate(partners):
        series.hosts.append(SeriesHost(position=position, partner=partner))


def create_series(*, host_ids: Sequence[int], **values: object) -> MeetingSeries:
    """Add a series with its host rotation (in the order given)."""
    partners = rotation_partners(host_ids)
    fields = series_values(values, default_zone(partners[0]))
    series = MeetingSeries(**fields)
    db.session.add(series)
    _set_rotation(series, partners)
    db.session.flush()
    audit.record(audit.CREATE, series, summary=series.title_sv or series.title_en)
    return series


_TIMING = (
    "freq",
    "interval",
    "first_date",
    "until_date",
    "count",
    "by_weekday",
    "by_setpos",
    "start_time",
    "timezone",
)


def update_series(
    series: MeetingSeries, *, host_ids: Sequence[int], **values: object
) -> MeetingSeries:
    """Change a series; refuse a change of its timing that would orphan changed occurrences."""
    partners = rotation_partners(host_ids)
    fields = series_values(values, default_zone(partners[0]))
    before = audit.snapshot(series)
    before["hosts"] = [p.slug for p in series.rotation]
    versions = invited_versions(series)
    timing_changed = any(getattr(series, f) != fields[f] for f in _TIMING)
    held = _occurrence_records(series)
    if timing_changed and (series.changes or held):
        probe_rule = Rule(
            freq=fields["freq"],
            interval=fields["interval"],
            first_date=fields["first_date"],
            start_time=fields["start_time"],
            until=fields["until_date"],
            count=fields["count"],
            by_weekday=fields["by_weekday"],
            by_setpos=fields["by_setpos"],
        )
        starts = [c.original_start for c in series.changes] + held
        last = max(starts).date() + timedelta(days=2)
        keys = {
            recurrence.original_start(local, fields["timezone"])
            for local in recurrence.local_starts(probe_rule, through=last)
        }
        if any(start not in keys for start in held):
            raise MeetingError(
                _l(
                    "Meetings of this series have delegates, an agenda or documents that "
                    "would be left without their meeting; keep when the series meets, or "
                    "remove those first."
                ),
                field="first_date",
            )
        if any(c.original_start not in keys for c in series.changes):
            raise MeetingError(
                _l(
                    "Occurrences of this series have been moved, cancelled or swapped; "
                    "undo those changes before changing when the series meets."
                ),
                field="first_date",
            )
    for name, value in fields.items():
        setattr(series, name, value)
    if [p.id for p in series.rotation] != [p.id for p in partners]:
        _set_rotation(series, partners)
    if timing_changed or db.session.is_modified(series):
        series.sequence += 1
    db.session.flush()
    after = audit.snapshot(series)
    after["hosts"] = [p.slug for p in partners]
    audit.record(
        audit.UPDATE,
        series,
        before=before,
        after=after,
        summary=audit.say("Meeting series changed"),
    )
    sync_occurrences(series, versions)
    return series


def _occurrence_records(series: MeetingSeries) -> list[datetime]:
    """Return the original starts of the meetings that hold delegates, an agenda or PDFs."""
    found: set[datetime] = set()
    for model in (Delegate, OccurrenceDetail, OccurrenceDocument):
        found.update(
            db.session.scalars(
                sa.select(model.original_start).where(
                    model.series_id == series.id, model.original_start.is_not(None)
                )
            )
        )
    return sorted(found)


def _change_for(series: MeetingSeries, original: datetime) -> OccurrenceChange:
    for change in series.changes:
        if change.original_start == original:
            return change
    # Appended once: passing series= as well would put it in the list twice (backref).
    change = OccurrenceChange(original_start=original, sequence=0)
    series.changes.append(change)
    return change


def _occurrence_or_error(
    series: MeetingSeries, key: str, field: str = "occurrence"
) -> SeriesOccurrence:
    occ = find_occurrence(series, key or "")
    if occ is None:
        raise MeetingError(_l("This series has no meeting at that time."), field=field)
    return occ


def move_occurrence(
    series: MeetingSeries,
    key: str,
    *,
    new_date: date | None = None,
    new_time: time | None = None,
    new_timezone: str | None = None,
    venue: str | None = None,
    host: Partner | None = None,
    reason: str = "",
    reason_en: str = "",
    confirm_gap: bool = False,
) -> SeriesOccurrence:
    """Move one occurrence (date, time, zone, venue or host); its identity stays the same.

    A new time in the spring-forward gap is refused unless `confirm_gap`.
    """
    occ = _occurrence_or_error(series, key)
    if new_timezone:
        new_timezone = check_timezone(new_timezone, "new_timezone")
    if not (new_date or new_time or new_timezone or venue or host):
        raise MeetingError(_l("Give a new date, time, time zone, venue or host."), field="new_date")
    if new_date or new_time or new_timezone:
        zone = new_timezone or occ.timezone
        local = to_local(occ.start, occ.timezone)
        check_gap(new_date or local.date(), new_time or local.time(), zone, confirm_gap)
    versions = invited_versions(series)
    change = _change_for(series, occ.occurrence.original_start)
    before = audit.snapshot(change) if change.id else None
    change.new_date = new_date or change.new_date
    change.new_time = new_time or change.new_time
    change.new_timezone = new_timezone or change.new_timezone
    change.venue = (venue or "").strip() or change.venue
    change.host = host or change.host
    change.reason = (reason or "").strip() or change.reason
    change.reason_en = (reason_en or "").strip() or change.reason_en
    change.sequence = (change.sequence or 0) + 1
    db.session.flush()
    audit.record(
        audit.UPDATE if before else audit.CREATE,
        change,
        before=before,
        summary=audit.say(
            "Occurrence %(key)s of series %(series)s moved", key=occ.key, series=series.id
        ),
    )
    sync_occurrences(series, versions, only=[occ.occurrence.original_start])
    moved = find_occurrence(series, occ.key)
    assert moved is not None  # the identity never changes
    return moved


def cancel_occurrence(
    series: MeetingSeries, key: str, *, reason: str = "", reason_en: str = "", skip: bool = False
) -> OccurrenceChange:
    """Cancel one occurrence; with skip, the host rotation waits for the next one."""
    occ = _occurrence_or_error(series, key)
    if skip and occ.swap_reason:
        raise MeetingError(_l("A meeting whose host was swapped cannot be skipped."), field="skip")
    versions = invited_versions(series)
    change = _change_for(series, occ.occurrence.original_start)
    before = audit.snapshot(change) if change.id else None
    change.cancelled = not skip
    change.skipped = skip
    change.reason = (reason or "").strip()
    change.reason_en = (reason_en or "").strip()
    change.sequence = (change.sequence or 0) + 1
    db.session.flush()
    audit.record(
        audit.UPDATE if before else audit.CREATE,
        change,
        before=before,
        summary=(
            audit.say(
                "Occurrence %(key)s of series %(series)s skipped", key=occ.key, series=series.id
            )
            if skip
            else audit.say(
                "Occurrence %(key)s of series %(series)s cancelled", key=occ.key, series=series.id
            )
        ),
    )
    # A skip gives every later meeting the next host: their delegates hear of it too.
    sync_occurrences(series, versions, only=None if skip else [occ.occurrence.original_start])
    return change


def swap_hosts(
    series: MeetingSeries, key_a: str, key_b: str, *, reason: str, reason_en: str = ""
) -> None:
    """Exchange the hosts of two occurrences, recording the reason (in one language or both)."""
    reason, reason_en = (reason or "").strip(), (reason_en or "").strip()
    if not (reason or reason_en):
        raise MeetingError(_l("Say why the hosts are swapped."), field="reason")
    a = _occurrence_or_error(series, key_a, "occurrence")
    b = _occurrence_or_error(series, key_b, "other")
    if a.key == b.key:
        raise MeetingError(_l("Choose two different meetings."), field="other")
    if a.swap_reason or b.swap_reason:
        raise MeetingError(_l("One of these meetings has already swapped its host."), field="other")
    first, second = sorted((a, b), key=lambda o: o.occurrence.original_start)
    versions = invited_versions(series)
    change = _change_for(series, first.occurrence.original_start)
    other = _change_for(series, second.occurrence.original_start)
    change.swap_with = second.occurrence.original_start
    change.swap_reason = other.swap_reason = reason
    change.swap_reason_en = other.swap_reason_en = reason_en
    change.sequence = (change.sequence or 0) + 1
    other.sequence = (other.sequence or 0) + 1
    db.session.flush()
    audit.record(
        audit.UPDATE,
        change,
        summary=audit.say(
            "Hosts of %(first)s and %(second)s of series %(series)s swapped",
            first=first.key,
            second=second.key,
            series=series.id,
        ),
    )
    sync_occurrences(
        series,
        versions,
        only=[first.occurrence.original_start, second.occurrence.original_start],
    )


def _keeps_other_changes(change: OccurrenceChange) -> bool:
    """Tell whether a change row still moves, calls off or re-hosts its meeting."""
    return bool(
        change.cancelled
        or change.skipped
        or change.new_date
        or change.new_time
        or change.new_timezone
        or change.venue
        or change.host_id
        or change.swap_with
    )


def reinstate_occurrence(series: MeetingSeries, key: str) -> None:
    """Put a cancelled or skipped meeting back on, keeping its other changes (a move, a
    venue, a swap); its invited delegates get it again, saying it is on after all."""
    found = find_occurrence(series, key or "", include_removed=True)
    if found is None:
        raise MeetingError(_l("This series has no meeting at that time."), field=None)
    change = next(
        (c for c in series.changes if c.original_start == found.occurrence.original_start), None
    )
    if change is None or not (change.cancelled or change.skipped):
        raise MeetingError(_l("This meeting is not called off."), field=None)
    if found.end <= utcnow():
        raise MeetingError(_l("This meeting is over and cannot be reinstated."), field=None)
    versions = invited_versions(series)
    skipped = change.skipped
    before = audit.snapshot(change)
    change.cancelled = change.skipped = False
    change.reason = change.reason_en = ""
    change.sequence = (change.sequence or 0) + 1
    db.session.flush()
    audit.record(
        audit.UPDATE,
        change,
        before=before,
        summary=audit.say(
            "Occurrence %(key)s of series %(series)s reinstated", key=key, series=series.id
        ),
    )
    original = change.original_start
    sync_occurrences(series, versions, only=None if skipped else [original], reinstated=[original])


def restore_occurrence(series: MeetingSeries, key: str) -> None:
    """Undo every change to one occurrence (and the swap it takes part in).

    This also reinstates a cancelled or skipped meeting: its invited delegates get the
    meeting again (METHOD:REQUEST) at a higher SEQUENCE than their cancellation.
    """
    original = recurrence.parse_key(key)
    versions = invited_versions(series)
    # The swap this meeting takes part in is undone on both sides: the earlier meeting's
    # row names the later one in swap_with, the later one's row only has the reason.
    partners = {original}
    for change in series.changes:
        if change.original_start == original and change.swap_with is not None:
            partners.add(change.swap_with)
        if change.swap_with == original:
            partners.add(change.original_start)
    undone, found = 0, False
    affected: set[datetime] | None = {p for p in partners if p is not None}
    for change in list(series.changes):
        if change.original_start not in partners:
            continue
        found = True
        if change.skipped:
            affected = None  # every later meeting gets its host back
        if change.original_start != original:  # the other meeting of the swap
            before = audit.snapshot(change)
            change.swap_with, change.swap_reason, change.swap_reason_en = None, "", ""
            if _keeps_other_changes(change):
                change.sequence = (change.sequence or 0) + 1
                audit.record(
                    audit.UPDATE,
                    change,
                    before=before,
                    summary=audit.say("Swap with %(key)s undone", key=key),
                )
                continue
        audit.record(
            audit.DELETE, change, summary=audit.say("Changes to occurrence %(key)s undone", key=key)
        )
        undone += change.sequence or 0
        series.changes.remove(change)
    if found:
        # Feeds number each meeting's versions from the series' and its changes' sequences:
        # raise the series' by what the undone changes carried, so no SEQUENCE goes back.
        series.sequence += undone + 1
    db.session.flush()
    if found:
        sync_occurrences(series, versions, only=affected)


def set_published(item: MeetingSeries | Meeting, published: bool) -> None:
    """Publish or withdraw a series or a one-off meeting."""
    before = audit.snapshot(item)
    item.published = published
    db.session.flush()
    audit.record(
        audit.UPDATE,
        item,
        before=before,
        summary=audit.say("Published") if published else audit.say("Withdrawn"),
    )


# --- one-off meetings -------------------------------------------------------------------


def create_meeting(**values: object) -> Meeting:
    """Add a one-off meeting with a partner or network."""
    meeting = Meeting(**meeting_values(values))
    db.session.add(meeting)
    db.session.flush()
    audit.record(audit.CREATE, meeting, summary=meeting.title_sv or meeting.title_en)
    return meeting


def _refuse_if_cancelled(meeting: Meeting, field: str) -> None:
    if meeting.cancelled:
        raise MeetingError(
            _l("This meeting has been cancelled and can no longer be changed."), field=field
        )


def update_meeting(meeting: Meeting, **values: object) -> Meeting:
    """Change a one-off meeting.

    A new date, time, duration, zone, venue, title or partner raises its sequence and
    queues an updated invitation (METHOD:REQUEST, saying what changed) to every delegate
    already invited; a change of the agenda alone, or a save without changes, mails nobody.
    """
    _refuse_if_cancelled(meeting, "title_sv")
    fields = meeting_values(values)
    before = audit.snapshot(meeting)
    previous = MeetingVersion.of(meeting)
    for name, value in fields.items():
        setattr(meeting, name, value)
    changes = meeting_changes(previous, MeetingVersion.of(meeting))
    if changes:
        meeting.sequence += 1
    db.session.flush()
    mails = send_updates(meeting, previous, changes) if changes else []
    summary = audit.say("Meeting changed")
    if mails:
        summary = audit.say(
            "Meeting changed; updated invitations queued (delegates: %(n)s)", n=len(mails)
        )
    audit.record(audit.UPDATE, meeting, before=before, summary=summary)
    return meeting


def cancel_meeting(meeting: Meeting, *, reason: str, reason_en: str = "") -> list[OutboxMail]:
    """Cancel a one-off meeting, saying why; every invited delegate gets a METHOD:CANCEL.

    The meeting leaves the lists and feeds; its page stays and says it is cancelled.
    """
    reason = (reason or "").strip()
    if meeting.cancelled:
        raise MeetingError(_l("This meeting has already been cancelled."), field="reason")
    if not reason:
        raise MeetingError(_l("Say why the meeting is cancelled."), field="reason")
    if len(reason) > 500:
        raise MeetingError(_l("Use at most %(max)d characters.", max=500), field="reason")
    reason_en = (reason_en or "").strip()
    if len(reason_en) > 500:
        raise MeetingError(_l("Use at most %(max)d characters.", max=500), field="reason_en")
    before = audit.snapshot(meeting)
    meeting.cancelled_at = utcnow()
    meeting.cancel_reason = reason
    meeting.cancel_reason_en = reason_en
    meeting.sequence += 1
    db.session.flush()
    mails = [
        queue_cancellation(meeting, d) for d in meeting.delegates if d.invited_sequence is not None
    ]
    audit.record(
        audit.UPDATE,
        meeting,
        before=before,
        summary=audit.say(
            "Meeting cancelled; cancellations queued (delegates: %(n)s)", n=len(mails)
        ),
    )
    return mails


def reinstate_meeting(meeting: Meeting) -> list[OutboxMail]:
    """Hold a cancelled one-off meeting after all; invited delegates get it again.

    Its sequence rises past the cancellation's, so calendars take the METHOD:REQUEST.
    """
    if not meeting.cancelled:
        raise MeetingError(_l("This meeting has not been cancelled."), field=None)
    if meeting.ends_at <= utcnow():
        raise MeetingError(_l("This meeting is over and cannot be reinstated."), field=None)
    before = audit.snapshot(meeting)
    previous = MeetingVersion.of(meeting)
    meeting.cancelled_at = None
    meeting.cancel_reason = meeting.cancel_reason_en = ""
    meeting.sequence += 1
    db.session.flush()
    mails = [
        queue_invitation(meeting, d, reinstated=True, previous=previous, changes=())
        for d in meeting.delegates
        if d.invited_sequence is not None
    ]
    audit.record(
        audit.UPDATE,
        meeting,
        before=before,
        summary=audit.say(
            "Meeting reinstated; invitations queued (delegates: %(n)s)", n=len(mails)
        ),
    )
    return mails


def add_delegate(meeting: Meeting, **values: str) -> Delegate:
    """Add a delegate to a one-off meeting."""
    _refuse_if_cancelled(meeting, "name")
    fields = delegate_values(values, [d.email for d in meeting.delegates])
    delegate = Delegate(meeting=meeting, **fields)
    db.session.add(delegate)
    db.session.flush()
    audit.record(
        audit.CREATE,
        delegate,
        summary=audit.say(
            "Delegate %(name)s added to meeting %(meeting)s",
            name=fields["name"],
            meeting=meeting.id,
        ),
    )
    return delegate


def remove_delegate(delegate: Delegate) -> OutboxMail | None:
    """Take a delegate off a meeting; one who was invited gets a METHOD:CANCEL.

    The meeting's sequence is raised (its attendee list changed, RFC 5546 3.2.5), so a
    later invitation, should the delegate be added again, supersedes the cancellation.
    """
    meeting = delegate.meeting
    mail = None
    if delegate.invited_sequence is not None and not meeting.cancelled:
        meeting.sequence += 1
        db.session.flush()
        mail = queue_cancellation(meeting, delegate, removed=True)
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
    meeting.delegates.remove(delegate)
    db.session.delete(delegate)
    db.session.flush()
    return mail
