"""Everything held about one e-mail address: a register extract (GDPR art. 15) as JSON, and
its erasure (art. 17) on request.

Erasure keeps the counts, as disposal does: a sign-up keeps its school, numbers and
status, a past meeting's delegate the reply. What is still to come loses the person: a
live sign-up of an exchange that has not ended is cancelled (its places pass to the
waiting list) and a delegate of a coming meeting is taken off it, so that nothing is
mailed to an erased address. Mail still waiting to go to the address is dropped.
Coordinators' accounts are not touched here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app import audit
from app.audit import AuditEntry
from app.auth.models import Coordinator
from app.exchanges import models as m
from app.exchanges.models import Exchange, School, Signup
from app.extensions import db
from app.mail import QUEUED, OutboxMail
from app.meetings.models import Delegate, Meeting, StandingDelegate
from app.partners.models import Contact
from app.records.disposal import erase_reminder
from app.records.erasure import (
    DELEGATE_FIELDS,
    SIGNUP_FIELDS,
    erase_delegate,
    erase_signup,
    hide_in,
    scrub_audit,
    scrub_entry,
)
from app.reminders.models import Reminder

EXPORT_FORMAT = "vanort-personal-data"
SECRETS = ("token_nonce", "reply_nonce", "password_hash", "ics", "dedup_key")


def _is(column: sa.ColumnElement, address: str) -> sa.ColumnElement:
    return sa.func.lower(column) == address.lower()


def _audit_mentioning(address: str) -> sa.Select:
    pattern = f"%{address.lower()}%"
    return sa.select(AuditEntry).where(
        sa.or_(
            *(
                sa.func.lower(sa.func.coalesce(column, "")).like(pattern)
                for column in (
                    AuditEntry.actor_email,
                    AuditEntry.summary,
                    AuditEntry.message,
                    AuditEntry.before,
                    AuditEntry.after,
                )
            )
        )
    )


@dataclass
class Holdings:
    """The rows that hold the address, by kind."""

    signups: list[Signup] = field(default_factory=list)
    schools: list[School] = field(default_factory=list)
    delegates: list[Delegate] = field(default_factory=list)
    standing_delegates: list[StandingDelegate] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    coordinators: list[Coordinator] = field(default_factory=list)
    mails: list[OutboxMail] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    audit_entries: list[AuditEntry] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in vars(self).items()}

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())


def find(address: str) -> Holdings:
    """Return every row that holds the address (compared without regard to case)."""

    def rows(model, column) -> list:
        return list(
            db.session.scalars(sa.select(model).where(_is(column, address)).order_by(model.id))
        )

    return Holdings(
        signups=rows(Signup, Signup.contact_email),
        schools=rows(School, School.contact_email),
        delegates=rows(Delegate, Delegate.email),
        standing_delegates=rows(StandingDelegate, StandingDelegate.email),
        contacts=rows(Contact, Contact.email),
        coordinators=rows(Coordinator, Coordinator.email),
        mails=rows(OutboxMail, OutboxMail.to_addr),
        reminders=rows(Reminder, Reminder.recipient),
        audit_entries=list(db.session.scalars(_audit_mentioning(address).order_by(AuditEntry.id))),
    )


def _row(obj: object, **extra: object) -> dict:
    values = audit.snapshot(obj, exclude=SECRETS)
    values.update(extra)
    return values


def export(address: str, now: datetime) -> dict:
    """Return everything held about the address as one JSON-able document."""
    held = find(address)
    entries = []
    for entry in held.audit_entries:
        values = _row(entry)
        for column in ("before", "after", "message"):
            values[column] = json.loads(values[column]) if values[column] else None
        entries.append(values)
    return {
        "format": EXPORT_FORMAT,
        "address": address,
        "exported_at": now.isoformat(),
        "signups": [
            _row(
                s,
                exchange={
                    "id": s.exchange.id,
                    "title_sv": s.exchange.title_sv,
                    "title_en": s.exchange.title_en,
                    "starts_on": s.exchange.starts_on.isoformat(),
                    "ends_on": s.exchange.ends_on.isoformat(),
                },
                school=s.school.name,
            )
            for s in held.signups
        ],
        "schools": [_row(s) for s in held.schools],
        "delegates": [_row(d) for d in held.delegates],
        "standing_delegates": [_row(d) for d in held.standing_delegates],
        "partner_contacts": [_row(c) for c in held.contacts],
        "coordinator_accounts": [_row(c) for c in held.coordinators],
        "mails": [_row(mail) for mail in held.mails],
        "reminders": [_row(r) for r in held.reminders],
        "audit_entries": entries,
    }


def _coming(delegate: Delegate, now: datetime) -> bool:
    if delegate.meeting_id is not None:
        meeting = db.session.get(Meeting, delegate.meeting_id)
        return meeting is not None and meeting.ends_at >= now
    return delegate.original_start is not None and delegate.original_start >= now


def erase(address: str, now: datetime) -> dict[str, int]:
    """Erase the address and the personal data that goes with it; return counts by kind.

    Flushes, never commits; the audit entry it adds does not name the address.
    """
    from app.exchanges.services import cancel_signup

    held = find(address)
    hidden = {address}
    # The office's reason, as a coordinator's cancel stores it: Swedish and English.
    with force_locale("sv"):
        reason = _("Personal data erased on request.")
    with force_locale("en"):
        reason_en = _("Personal data erased on request.")
    counts = {"signups": 0, "cancelled": 0, "delegates": 0, "removed": 0}
    for signup in held.signups:
        if signup.erased_at is not None:
            continue
        hidden.add(signup.contact_name)
        exchange = db.session.get(Exchange, signup.exchange_id)
        if signup.status in m.ACTIVE and exchange.ends_on >= now.date():
            cancel_signup(signup, now, reason=reason, reason_en=reason_en)
            counts["cancelled"] += 1
        erase_signup(signup, now)
        counts["signups"] += 1
    for school in held.schools:
        school.contact_email = ""
    for delegate in held.delegates:
        if delegate.erased_at is not None:
            continue
        hidden.add(delegate.name)
        if _coming(delegate, now):
            if delegate.meeting is not None:
                delegate.meeting.delegates.remove(delegate)
            db.session.delete(delegate)
            counts["removed"] += 1
        else:
            erase_delegate(delegate, now)
            counts["delegates"] += 1
    for member in held.standing_delegates:
        hidden.add(member.name)
        db.session.delete(member)
    for contact in held.contacts:
        contact.email = ""
    db.session.flush()
    # Mail to the address: unsent mail is dropped (the cancellation just queued, too).
    mails = db.session.execute(
        sa.delete(OutboxMail)
        .where(_is(OutboxMail.to_addr, address), OutboxMail.status == QUEUED)
        .execution_options(synchronize_session=False)
    ).rowcount
    mails += db.session.execute(
        sa.update(OutboxMail)
        .where(_is(OutboxMail.to_addr, address))
        .values(to_addr="", subject="", body_text="", body_html=None, ics=None, last_error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    for reminder in held.reminders:
        erase_reminder(reminder)
    # Each log entry changed counts once, whichever way it was reached.
    changed: set[int] = set()
    scrub_audit("Signup", [s.id for s in held.signups], SIGNUP_FIELDS, hidden, changed)
    scrub_audit("Delegate", [d.id for d in held.delegates], DELEGATE_FIELDS, hidden, changed)
    scrub_audit(
        "StandingDelegate",
        [d.id for d in held.standing_delegates],
        DELEGATE_FIELDS,
        hidden,
        changed,
    )
    hidden = {h for h in hidden if h}
    for entry in db.session.scalars(_audit_mentioning(address)).all():
        actor = entry.actor_email
        entry.actor_email = hide_in(entry.actor_email, {address}) or ""
        if scrub_entry(entry, (), hidden) or entry.actor_email != (actor or ""):
            changed.add(entry.id)
    entries = len(changed)
    counts.update(
        schools=len(held.schools),
        standing_delegates=len(held.standing_delegates),
        partner_contacts=len(held.contacts),
        mails=mails,
        reminders=len(held.reminders),
        audit_entries=entries,
    )
    db.session.flush()
    audit.record(
        audit.UPDATE,
        object_type="PersonalData",
        summary=audit.say(
            "Personal data of one person erased on request (%(n)s records)",
            # a cancelled sign-up is one of the erased sign-ups: count it once
            n=sum(v for k, v in counts.items() if k != "cancelled"),
        ),
        after={k: v for k, v in counts.items() if v},
    )
    return counts
