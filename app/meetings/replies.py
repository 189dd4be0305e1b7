"""Delegates' replies: the signed links each invitation carries, what a link opens, the
answer it records, and the counts coordinators see.

A link needs no account, like the schools' links: an itsdangerous token holding the
delegate, the meeting or occurrence it was issued for, the delegate's language and the
delegate's nonce. A signature that does not verify is a bad link; a verified token whose
delegate is gone (or whose row is another delegate's now) is a removed delegate.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from app import audit
from app.dbutil import begin_write_transaction, lock_for_update
from app.domain import DomainError
from app.extensions import db
from app.meetings.links import absolute_url, public_path
from app.meetings.models import LANGUAGES, REPLIES, Delegate, Meeting, MeetingSeries
from app.meetings.occurrences import SeriesOccurrence, find_occurrence
from app.meetings.recurrence import CANCELLED, SKIPPED, parse_key
from app.partners.models import Partner
from app.timeutil import utcnow

TOKEN_SALT = "vanort.meetings.reply"  # noqa: S105 (a namespace, not a secret)
NO_REPLY = "none"

BAD_LINK, REMOVED, CALLED_OFF, STARTED = "bad_link", "removed", "cancelled", "started"


@dataclass(frozen=True)
class MeetingView:
    """A one-off meeting or one occurrence as mails and the reply page show it."""

    title_sv: str
    title_en: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str
    partner: Partner | SimpleNamespace
    agenda: str
    cancelled: bool
    cancel_reason: str
    url: str
    cancel_reason_en: str = ""

    @classmethod
    def of_meeting(cls, meeting: Meeting) -> MeetingView:
        """Return how a one-off meeting is shown."""
        return cls(
            title_sv=meeting.title_sv,
            title_en=meeting.title_en,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            timezone=meeting.timezone,
            venue=meeting.venue,
            partner=meeting.partner,
            agenda=meeting.agenda,
            cancelled=meeting.cancelled,
            cancel_reason=meeting.cancel_reason,
            cancel_reason_en=meeting.cancel_reason_en,
            url=absolute_url(public_path(meeting)),
        )

    @classmethod
    def of_occurrence(cls, occ: SeriesOccurrence, agenda: str = "") -> MeetingView:
        """Return how one occurrence of a series is shown."""
        series = occ.series
        return cls(
            title_sv=series.title_sv,
            title_en=series.title_en,
            starts_at=occ.start,
            ends_at=occ.end,
            timezone=occ.timezone,
            venue=occ.venue,
            partner=occ.host if occ.host is not None else SimpleNamespace(name="–"),
            agenda=agenda,
            cancelled=occ.status in (CANCELLED, SKIPPED),
            cancel_reason=occ.occurrence.reason,
            cancel_reason_en=occ.occurrence.reason_en,
            url=absolute_url(public_path(series, occ.key)),
        )


class ReplyLinkError(DomainError):
    """A reply link that cannot take an answer: bad, for a removed delegate, called off, late."""

    MESSAGES = {
        BAD_LINK: _l("This link is not valid. Use the link in your invitation as it was sent."),
        REMOVED: _l("You are no longer on the list of delegates for this meeting."),
        CALLED_OFF: _l("This meeting has been cancelled."),
        STARTED: _l("This meeting has started: answers can no longer be changed."),
    }

    def __init__(
        self, code: str, *, language: str | None = None, view: MeetingView | None = None
    ) -> None:
        super().__init__(self.MESSAGES[code])
        self.code = code
        self.language = language
        self.view = view


@dataclass(frozen=True)
class ReplyTarget:
    """The delegate a valid link answers for, and the meeting it is about."""

    delegate: Delegate
    view: MeetingView


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def reply_token(delegate: Delegate) -> str:
    """Return the signed token of a delegate's reply links."""
    data: dict[str, object] = {"d": delegate.id, "n": delegate.reply_nonce, "l": delegate.language}
    if delegate.meeting_id is not None:
        data["m"] = delegate.meeting_id
    else:
        data["s"], data["k"] = delegate.series_id, delegate.occurrence_key
    return _serializer().dumps(data)


def reply_url(delegate: Delegate, answer: str) -> str:
    """Return the absolute link that opens the reply page with `answer` chosen."""
    return absolute_url(f"/meetings/replies/{reply_token(delegate)}?answer={answer}")


def _view_for(data: dict) -> tuple[MeetingView, Meeting | MeetingSeries, datetime | None]:
    if "m" in data:
        meeting = db.session.get(Meeting, int(data["m"]))
        if meeting is None:
            raise ReplyLinkError(BAD_LINK)
        return MeetingView.of_meeting(meeting), meeting, None
    series = db.session.get(MeetingSeries, int(data["s"]))
    original = parse_key(str(data["k"]))
    occ = None if series is None else find_occurrence(series, str(data["k"]), include_removed=True)
    if occ is None or original is None:
        raise ReplyLinkError(BAD_LINK)
    return MeetingView.of_occurrence(occ), occ.series, original


def open_reply(token: str, *, for_update: bool = False, now: datetime | None = None) -> ReplyTarget:
    """Return what a reply link answers for, or raise ReplyLinkError saying why it cannot."""
    try:
        data = _serializer().loads(token)
        delegate_id, nonce = int(data["d"]), str(data["n"])
        language = str(data["l"]) if data.get("l") in LANGUAGES else None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ReplyLinkError(BAD_LINK) from None
    try:
        view, item, original = _view_for(data)
    except (KeyError, TypeError, ValueError):
        raise ReplyLinkError(BAD_LINK) from None
    if for_update:
        begin_write_transaction()
        delegate = lock_for_update(Delegate, delegate_id)
    else:
        delegate = db.session.get(Delegate, delegate_id)
    owner_matches = delegate is not None and (
        delegate.meeting_id == item.id
        if isinstance(item, Meeting)
        else (delegate.series_id, delegate.original_start) == (item.id, original)
    )
    if (
        delegate is None
        or not owner_matches
        or not secrets.compare_digest(delegate.reply_nonce, nonce)
    ):
        raise ReplyLinkError(REMOVED, language=language, view=view)
    if view.cancelled:
        raise ReplyLinkError(CALLED_OFF, language=delegate.language, view=view)
    if view.starts_at <= (now or utcnow()):
        raise ReplyLinkError(STARTED, language=delegate.language, view=view)
    return ReplyTarget(delegate=delegate, view=view)


def record_reply(target: ReplyTarget, answer: str) -> Delegate:
    """Record a delegate's answer (accepted or declined); a later answer replaces it."""
    if answer not in REPLIES:
        raise DomainError(_l("Choose whether you will attend."), field="answer")
    delegate = target.delegate
    before = audit.snapshot(delegate)
    delegate.reply = answer
    delegate.replied_at = utcnow()
    db.session.flush()
    audit.record(
        audit.UPDATE,
        delegate,
        before=before,
        summary=audit.say("Delegate replied: %(answer)s", answer=audit.code("reply", answer)),
    )
    return delegate


def reply_totals(delegates: Iterable[Delegate]) -> dict[str, int]:
    """Return how many delegates accepted, declined and have not answered."""
    counts = Counter(d.reply or NO_REPLY for d in delegates)
    return {answer: counts.get(answer, 0) for answer in (*REPLIES, NO_REPLY)}
