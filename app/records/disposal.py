"""The disposal job: apply every rule in force (app/records/rules.py), keeping the counts.

A repeatable sweep: what was erased is marked (`erased_at`, emptied fields), so a second
run finds nothing more. Each kind that had something to dispose of gets a row in
`disposal_log` (kind, how many, the rule, when), which holds no personal data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.audit import AuditEntry
from app.exchanges.models import Exchange, School, Signup
from app.extensions import db
from app.mail import QUEUED, SENDING, OutboxMail
from app.meetings.models import Delegate, Meeting
from app.records import rules as r
from app.records.erasure import (
    DELEGATE_FIELDS,
    SIGNUP_FIELDS,
    erase_delegate,
    erase_signup,
    scrub_audit,
)
from app.records.models import DisposalLog
from app.reminders.models import Reminder

BATCH = 1000  # rows per statement; a first run on years of data stays within memory


@dataclass(frozen=True)
class Disposed:
    """What one rule disposed of (or, in a dry run, would)."""

    kind: str
    months: int
    cutoff: datetime
    count: int


def run_disposal(now: datetime, *, dry_run: bool = False) -> list[Disposed]:
    """Apply every rule in force as of `now`; log what was disposed of (flush, no commit)."""
    done = []
    for rule in r.rules_in_force():
        if rule.months is None:
            continue
        cutoff = r.months_before(now, rule.months)
        count = DISPOSERS[rule.key](cutoff, now, dry_run)
        done.append(Disposed(rule.key, rule.months, cutoff, count))
        if count and not dry_run:
            db.session.add(
                DisposalLog(at=now, kind=rule.key, count=count, months=rule.months, cutoff=cutoff)
            )
    db.session.flush()
    return done


def _school_contacts(cutoff: datetime, now: datetime, dry_run: bool) -> int:
    """Erase the contacts of sign-ups of exchanges that ended before the cutoff."""
    query = (
        sa.select(Signup)
        .join(Exchange, Exchange.id == Signup.exchange_id)
        .where(Exchange.ends_on < cutoff.date(), Signup.erased_at.is_(None))
        .order_by(Signup.id)
    )
    if dry_run:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    signups = db.session.scalars(query).all()
    hidden = set()
    for signup in signups:
        hidden |= {signup.contact_name, signup.contact_email}
        erase_signup(signup, now)
    db.session.flush()
    scrub_audit("Signup", [s.id for s in signups], SIGNUP_FIELDS, hidden)
    # A school's own address goes with the last of its sign-ups that still had a contact.
    kept = sa.select(Signup.id).where(Signup.school_id == School.id, Signup.erased_at.is_(None))
    db.session.execute(
        sa.update(School)
        .where(School.contact_email != "", ~sa.exists(kept))
        .values(contact_email="")
        .execution_options(synchronize_session=False)
    )
    return len(signups)


def _delegates(cutoff: datetime, now: datetime, dry_run: bool) -> int:
    """Erase delegates of one-off meetings that ended, and of occurrences that began,
    before the cutoff."""
    ended = sa.select(Meeting.id).where(Meeting.ends_at < cutoff)
    query = (
        sa.select(Delegate)
        .where(
            Delegate.erased_at.is_(None),
            sa.or_(Delegate.meeting_id.in_(ended), Delegate.original_start < cutoff),
        )
        .order_by(Delegate.id)
    )
    if dry_run:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    delegates = db.session.scalars(query).all()
    hidden = set()
    for delegate in delegates:
        hidden |= {delegate.name, delegate.email}
        erase_delegate(delegate, now)
    db.session.flush()
    scrub_audit("Delegate", [d.id for d in delegates], DELEGATE_FIELDS, hidden)
    return len(delegates)


def _mail(cutoff: datetime, now: datetime, dry_run: bool) -> int:
    """Erase recipient, subject, text and attachment of mail created before the cutoff.

    The row stays, under its key, so that nothing is ever sent twice; mail still waiting
    to go out is left alone.
    """
    where = (
        OutboxMail.created_at < cutoff,
        OutboxMail.status.not_in((QUEUED, SENDING)),
        OutboxMail.to_addr != "",
    )
    count = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail).where(*where)) or 0
    if count and not dry_run:
        db.session.execute(
            sa.update(OutboxMail)
            .where(*where)
            .values(
                to_addr="",
                subject="",
                body_text="",
                body_html=None,
                ics=None,
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
    return count


def hashed_key(key: str, address: str) -> str:
    """Return a reminder's unique key with its recipient's address replaced by a digest."""
    if not address:
        return key
    digest = "sha256:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()[:24]
    return key.replace(f"|{address.strip().lower()}|", f"|{digest}|")


def _reminders(cutoff: datetime, now: datetime, dry_run: bool) -> int:
    """Erase the recipients of reminders of events before the cutoff (the log stays)."""
    query = sa.select(Reminder).where(Reminder.event_at < cutoff, Reminder.recipient != "")
    if dry_run:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    count = 0
    for reminder in db.session.scalars(query.order_by(Reminder.id)).all():
        erase_reminder(reminder)
        count += 1
    return count


def erase_reminder(reminder: Reminder) -> None:
    """Replace a reminder's recipient by nothing, and in its key by a digest (keys stay unique)."""
    reminder.key = hashed_key(reminder.key, reminder.recipient)
    reminder.recipient = ""


def _audit(cutoff: datetime, now: datetime, dry_run: bool) -> int:
    """Delete audit entries older than the cutoff."""
    where = AuditEntry.at < cutoff
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(where)) or 0
    if count and not dry_run:
        db.session.execute(
            sa.delete(AuditEntry).where(where).execution_options(synchronize_session=False)
        )
    return count


DISPOSERS = {
    r.SCHOOL_CONTACTS: _school_contacts,
    r.DELEGATES: _delegates,
    r.MAIL: _mail,
    r.REMINDERS: _reminders,
    r.AUDIT: _audit,
}


def recent_log(limit: int = 50) -> list[DisposalLog]:
    """Return the latest disposal log rows, newest first."""
    return list(
        db.session.scalars(
            sa.select(DisposalLog)
            .order_by(DisposalLog.at.desc(), DisposalLog.id.desc())
            .limit(limit)
        )
    )
