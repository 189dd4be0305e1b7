"""Invitations of delegates to one-off meetings: invitation, update and cancellation
mails, each with an .ics (METHOD:REQUEST or CANCEL) that keeps their calendars current."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.feeds.ical import Attendee, event_to_ical
from app.mail import OutboxMail, queue_templated
from app.meetings.calendar import meeting_calevent
from app.meetings.links import absolute_url, public_path
from app.meetings.models import REPLY_ACCEPTED, REPLY_DECLINED, Delegate, Meeting
from app.meetings.replies import reply_url
from app.partners.services import home_timezone


@dataclass(frozen=True)
class MeetingVersion:
    """What a delegate's calendar holds of a one-off meeting: shown as "before" in updates."""

    title_sv: str
    title_en: str
    partner_name: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingVersion:
        """Return the version a meeting is at now."""
        return cls(
            title_sv=meeting.title_sv,
            title_en=meeting.title_en,
            partner_name=meeting.partner.name,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            timezone=meeting.timezone,
            venue=meeting.venue,
        )


# What changed, in the order an update mail lists it. Only these reach delegates'
# calendars; the agenda and the published flag do not.
CHANGE_WHEN, CHANGE_TIMEZONE, CHANGE_VENUE, CHANGE_TITLE, CHANGE_PARTNER = (
    "when",
    "timezone",
    "venue",
    "title",
    "partner",
)


def meeting_changes(old: MeetingVersion, new: MeetingVersion) -> list[str]:
    """Return what differs between two versions of a meeting (CHANGE_* names, in order)."""
    found = []
    if (old.starts_at, old.ends_at) != (new.starts_at, new.ends_at):
        found.append(CHANGE_WHEN)
    if old.timezone != new.timezone:
        found.append(CHANGE_TIMEZONE)
    if old.venue != new.venue:
        found.append(CHANGE_VENUE)
    if (old.title_sv, old.title_en) != (new.title_sv, new.title_en):
        found.append(CHANGE_TITLE)
    if old.partner_name != new.partner_name:
        found.append(CHANGE_PARTNER)
    return found


def invitation_key(meeting: Meeting, delegate: Delegate) -> str:
    """Return the outbox key of this version's invitation to one delegate (sent once)."""
    return f"meeting-invitation:{meeting.id}:{delegate.id}:{meeting.sequence}"


def _mail_context(meeting: Meeting, delegate: Delegate) -> dict:
    return {
        "meeting": meeting,
        "delegate": delegate,
        "lang": delegate.language,
        "home_zone": home_timezone(),
        "url": absolute_url(public_path(meeting)),
    }


def _ics_for(meeting: Meeting, delegate: Delegate, method: str) -> bytes:
    attendee = Attendee(email=delegate.email, name=delegate.name)
    # A CANCEL says the event is off for this delegate, removed or not (RFC 5546 3.2.5).
    status = "CANCELLED" if method == "CANCEL" else None
    event = meeting_calevent(meeting, lang=delegate.language, attendees=(attendee,), status=status)
    return event_to_ical(event, method=method, dtstamp=meeting.updated_at)


def queue_invitation(meeting: Meeting, delegate: Delegate, **extra: object) -> OutboxMail:
    """Queue the invitation (or update) of this version of the meeting to one delegate."""
    updated = extra.get("changes") or extra.get("reinstated")
    template = "meetings/mail/update" if updated else "meetings/mail/invitation"
    mail = queue_templated(
        key=invitation_key(meeting, delegate),
        to=delegate.email,
        template=template,
        language=delegate.language,
        ics=_ics_for(meeting, delegate, "REQUEST"),
        ics_method="REQUEST",
        ics_filename="invitation.ics",
        accept_url=reply_url(delegate, REPLY_ACCEPTED),
        decline_url=reply_url(delegate, REPLY_DECLINED),
        **_mail_context(meeting, delegate),
        **extra,
    )
    delegate.invited_sequence = meeting.sequence
    return mail


def cancellation_key(meeting: Meeting, delegate: Delegate) -> str:
    """Return the outbox key of this version's cancellation to one delegate (sent once)."""
    return f"meeting-cancellation:{meeting.id}:{delegate.id}:{meeting.sequence}"


def queue_cancellation(
    meeting: Meeting, delegate: Delegate, *, removed: bool = False
) -> OutboxMail:
    """Queue a METHOD:CANCEL of the meeting (cancelled, or the delegate removed) to one."""
    return queue_templated(
        key=cancellation_key(meeting, delegate),
        to=delegate.email,
        template="meetings/mail/cancellation",
        language=delegate.language,
        ics=_ics_for(meeting, delegate, "CANCEL"),
        ics_method="CANCEL",
        ics_filename="cancellation.ics",
        removed=removed,
        **_mail_context(meeting, delegate),
    )


def invite_delegates(meeting: Meeting) -> list[OutboxMail]:
    """Queue an invitation with an .ics (METHOD:REQUEST) to each delegate not yet invited.

    Delegates already invited are kept up to date by `update_meeting`; inviting again
    mails nobody twice. A cancelled meeting invites nobody.
    """
    if meeting.cancelled:
        return []
    return [queue_invitation(meeting, d) for d in meeting.delegates if d.invited_sequence is None]


def send_updates(
    meeting: Meeting, previous: MeetingVersion, changes: Sequence[str]
) -> list[OutboxMail]:
    """Queue the new version (METHOD:REQUEST, same UID, new SEQUENCE) to invited delegates."""
    return [
        queue_invitation(meeting, d, changes=tuple(changes), previous=previous)
        for d in meeting.delegates
        if d.invited_sequence is not None
    ]
