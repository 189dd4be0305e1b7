"""The outbox: mail is queued in the transaction that causes it and delivered after commit.

A row is claimed before it is sent (queued -> sending), marked sent only when the SMTP
server accepted it, and put back with a growing delay when the server is down, so that a
mail is neither lost nor sent twice by two workers. Claiming and marking are short write
transactions of their own that wait out a busy SQLite (no read snapshot is held across
the SMTP conversation), so a live process always marks what the server accepted. Only a
process that died between the server's acceptance and the mark leaves a row in
`sending`: the sweep re-queues it after STALE_SENDING (longer than any live process
takes to mark) and sends it once more under the same deterministic Message-ID, so that
a mail is never lost and mail clients can fold the rare duplicate.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

import jinja2
import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale, get_translations
from jinja2 import Template
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.dbutil import begin_write_transaction, insert_skipping_existing
from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

log = logging.getLogger(__name__)

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"  # the server refused the mail for good (5xx): a person must look
STATUSES = (QUEUED, SENDING, SENT, FAILED)
STALE_SENDING = timedelta(minutes=10)
WRITE_RETRY_SECONDS = 300  # how long marking a row waits out a busy SQLite


class OutboxMail(db.Model):
    """One mail to one recipient, queued until an SMTP server accepts it."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    to_addr: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(5), default="sv")
    ics: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    ics_method: Mapped[str | None] = mapped_column(sa.String(20))
    ics_filename: Mapped[str | None] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # When the attempts that are still failing began; cleared when the mail goes out.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed')", name="status_known"
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts"),
        sa.Index("ix_outbox_mail_due", "status", "next_attempt_at"),
    )

    @property
    def message_id(self) -> str:
        return message_id_for(self.dedup_key, current_app.config["MAIL_FROM"])


def message_id_for(dedup_key: str, mail_from: str) -> str:
    """Return the deterministic Message-ID of the mail with this de-duplication key."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(dedup_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


# --- queueing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A mail made but not queued yet: `queue_drafts` queues many at once."""

    key: str
    to: str
    subject: str
    text: str
    html: str | None = None
    language: str = "sv"
    ics: bytes | None = None
    ics_method: str | None = None
    ics_filename: str = "event.ics"

    def row(self, now: datetime) -> dict:
        """Return the outbox row's values, queued as of `now`."""
        return {
            "dedup_key": self.key,
            "to_addr": self.to,
            "subject": " ".join(self.subject.split())[:300],
            "body_text": self.text,
            "body_html": self.html,
            "language": self.language,
            "ics": self.ics,
            "ics_method": self.ics_method,
            "ics_filename": self.ics_filename if self.ics is not None else None,
            "status": QUEUED,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }


def queue_mail(
    *,
    key: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    language: str = "sv",
    ics: bytes | None = None,
    ics_method: str | None = None,
    ics_filename: str = "event.ics",
) -> OutboxMail:
    """Queue a mail in the current transaction; the same key never queues twice."""
    existing = _by_key(key)
    if existing is not None:
        return existing
    draft = Draft(key, to, subject, text, html, language, ics, ics_method, ics_filename)
    mail = OutboxMail(**draft.row(utcnow()))
    try:
        # A savepoint, so that losing a race for the key undoes only this insert.
        with db.session.begin_nested():
            db.session.add(mail)
    except IntegrityError:
        existing = _by_key(key)
        if existing is None:
            raise
        return existing
    _queued([mail.id])
    return mail


def queue_drafts(drafts: Sequence[Draft]) -> dict[str, int]:
    """Queue many mails in the current transaction, in one INSERT; return {key: mail id}.

    As `queue_mail`: a key already queued, here or by a transaction that commits
    meanwhile, keeps its mail (whose id is returned) and queues nothing new.
    """
    now = utcnow()
    rows: dict[str, dict] = {}
    for draft in drafts:
        rows.setdefault(draft.key, draft.row(now))
    if not rows:
        return {}
    table = OutboxMail.__table__
    inserted = dict(
        db.session.execute(
            insert_skipping_existing(table, "dedup_key").returning(table.c.dedup_key, table.c.id),
            list(rows.values()),
        ).all()
    )
    ids = dict(inserted)
    kept = [key for key in rows if key not in ids]
    for i in range(0, len(kept), 500):
        ids.update(
            db.session.execute(
                sa.select(table.c.dedup_key, table.c.id).where(
                    table.c.dedup_key.in_(kept[i : i + 500])
                )
            ).all()
        )
    _queued([inserted[key] for key in rows if key in inserted])
    return ids


def _queued(mail_ids: list[int]) -> None:
    """Note mail this transaction queued: delivered after its commit, the outbox woken."""
    if mail_ids:
        db.session.info.setdefault("outbox_new", []).extend(mail_ids)
        _notify_outbox()


OUTBOX_CHANNEL = "vanort_outbox"


def _notify_outbox() -> None:
    """On PostgreSQL, wake the scheduler's outbox job when this transaction commits.

    NOTIFY is transactional: a rolled-back transaction wakes nobody, and several
    notifications in one transaction arrive as one. Elsewhere the job polls.
    """
    session = db.session()
    if db.engine.dialect.name != "postgresql" or session.info.get("outbox_notified"):
        return
    session.execute(sa.select(sa.func.pg_notify(OUTBOX_CHANNEL, "")))
    session.info["outbox_notified"] = True


def _by_key(key: str) -> OutboxMail | None:
    return db.session.scalar(sa.select(OutboxMail).where(OutboxMail.dedup_key == key))


class MailRenderer:
    """Render mails from templates: many in one go cost one lookup of each template, one
    pass of the app's context processors per language, and `_()` reads the language's
    catalogue directly (not through Flask-Babel's context on each string).

    Make one per batch of mail, inside one app context; `render_templated` makes one mail.
    """

    def __init__(self) -> None:
        self._templates: dict[str, Template] = {}
        self._base: dict[str, dict] = {}

    def _template(self, name: str) -> Template:
        if name not in self._templates:
            self._templates[name] = current_app.jinja_env.get_template(name)
        return self._templates[name]

    def _context(self, language: str) -> dict:
        """Return what every template gets in `language` (call it under force_locale)."""
        if language not in self._base:
            base: dict = {}
            current_app.update_template_context(base)
            # The same newstyle callables Flask-Babel installs, bound to this catalogue.
            bound = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
            bound.install_gettext_translations(get_translations(), newstyle=True)
            for name in ("gettext", "ngettext", "pgettext", "npgettext"):
                base[name] = bound.globals[name]
            self._base[language] = base
        return self._base[language]

    def render(
        self,
        *,
        key: str,
        to: str,
        template: str,
        language: str,
        ics: bytes | None = None,
        ics_method: str | None = None,
        ics_filename: str = "event.ics",
        **context: object,
    ) -> Draft:
        """Render <template>.subject.txt, .txt and .html in the recipient's language.

        `template` is a path under templates/ without suffix, e.g. "exchanges/mail/signup".
        """
        with force_locale(language):
            values = {**self._context(language), **context}
            subject = self._template(f"{template}.subject.txt").render(values)
            # The HTML part shows the subject as {{ subject }}, escaped like any other
            # value: including the .txt template there would insert it unescaped.
            values["subject"] = subject
            text = self._template(f"{template}.txt").render(values)
            html = self._template(f"{template}.html").render(values)
        return Draft(key, to, subject, text, html, language, ics, ics_method, ics_filename)


def render_templated(**mail: Any) -> Draft:
    """Render one mail: `MailRenderer.render`'s arguments, for a single mail."""
    return MailRenderer().render(**mail)


def queue_templated(**mail: Any) -> OutboxMail:
    """Render a mail as `render_templated` does and queue it as `queue_mail` does."""
    return queue_mail(**dataclasses.asdict(render_templated(**mail)))


def _after_commit(session: Session) -> None:
    session.info.pop("outbox_notified", None)
    new = session.info.pop("outbox_new", None)
    if new:
        session.info.setdefault("outbox_committed", []).extend(new)


def _after_rollback(session: Session) -> None:
    session.info.pop("outbox_notified", None)
    session.info.pop("outbox_new", None)


# --- delivery ---------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def build_message(mail: OutboxMail, mail_from: str) -> EmailMessage:
    """Return the RFC 5322 message for an outbox row."""
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.created_at)
    msg["Message-ID"] = message_id_for(mail.dedup_key, mail_from)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(mail.body_text)
    if mail.body_html:
        msg.add_alternative(mail.body_html, subtype="html")
    if mail.ics is not None:
        # Without a charset some mail readers take the calendar for Latin-1 ("VÃ¤nort").
        params = {"charset": "utf-8"}
        if mail.ics_method:
            params["method"] = mail.ics_method
        msg.add_attachment(
            mail.ics,
            maintype="text",
            subtype="calendar",
            filename=mail.ics_filename or "event.ics",
            params=params,
        )
    # Set last: making the message multipart moves Content-* headers into the first part.
    msg["Content-Language"] = mail.language
    return msg


def _smtp_send(msg: EmailMessage, config: dict) -> None:
    with smtplib.SMTP(
        config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=config["SMTP_TIMEOUT"]
    ) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(msg)


def _retry_delay(attempts: int, config: dict) -> timedelta:
    base = config["OUTBOX_RETRY_BASE_SECONDS"]
    return timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), config["OUTBOX_RETRY_MAX_SECONDS"])
    )


def _is_busy(exc: OperationalError) -> bool:
    """Tell whether SQLite refused a write only because another connection was writing."""
    return "database is locked" in str(exc.orig) or "database is busy" in str(exc.orig)


def _write(statement: sa.Update) -> int:
    """Run one UPDATE in a short write transaction of its own; return the rows it changed.

    On SQLite the transaction begins IMMEDIATE, so it waits for the write lock (the busy
    timeout) instead of failing when a read snapshot went stale, and a write that still
    meets a busy database is retried for up to WRITE_RETRY_SECONDS. A mail the server has
    accepted must not be sent again because its row could not be marked.
    """
    deadline = time.monotonic() + WRITE_RETRY_SECONDS
    delay = 0.05
    while True:
        try:
            begin_write_transaction()
            changed = db.session.execute(statement).rowcount
            db.session.commit()
            return changed
        except OperationalError as exc:
            db.session.rollback()
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
            log.warning("outbox: database busy, retrying in %.2f s", delay)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _set(mail_id: int, **values: object) -> None:
    _write(sa.update(OutboxMail).where(OutboxMail.id == mail_id).values(**values))


def _claim(mail_id: int, now: datetime) -> bool:
    """Take a queued row for sending; only one worker can win."""
    return (
        _write(
            sa.update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.status == QUEUED)
            .values(status=SENDING, claimed_at=now)
        )
        == 1
    )


def _outcome(exc: Exception | None, attempts: int, config: dict) -> dict:
    """Return the row's new values after one SMTP attempt that raised `exc` (None: accepted)."""
    if exc is None:
        return {
            "status": SENT,
            "attempts": attempts,
            "sent_at": utcnow(),
            "last_error": None,
            "failing_since": None,
        }
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):  # this address, for good
            return {"status": FAILED, "attempts": attempts, "last_error": str(exc)[:2000]}
        error = str(exc)[:2000]  # 4xx (greylisting, a full mailbox): try again later
    elif isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        # The server refuses us, not this mail (MAIL_FROM, the password): every mail meets
        # the same answer until the configuration is fixed, so keep it queued, retry with
        # back-off and let the "mail failing" alarm tell a person.
        error = f"{exc.smtp_code} {exc.smtp_error!r}"[:2000]
    elif isinstance(exc, smtplib.SMTPResponseException):
        error = f"{exc.smtp_code} {exc.smtp_error!r}"[:2000]
        if 500 <= exc.smtp_code < 600:  # the server refused this message for good
            return {"status": FAILED, "attempts": attempts, "last_error": error}
    else:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    return {
        "status": QUEUED,
        "attempts": attempts,
        "last_error": error,
        "next_attempt_at": utcnow() + _retry_delay(attempts, config),
        "failing_since": sa.func.coalesce(
            OutboxMail.failing_since, sa.literal(utcnow(), UTCDateTime())
        ),
    }


def _deliver_one(mail_id: int, report: DeliveryReport, now: datetime | None = None) -> None:
    now = now or utcnow()
    if not _claim(mail_id, now):
        return
    mail = db.session.get(OutboxMail, mail_id)
    config = current_app.config
    try:
        message = build_message(mail, config["MAIL_FROM"])
    except (ValueError, TypeError) as exc:  # a malformed row: retrying cannot help
        _set(mail_id, status=FAILED, last_error=f"cannot build the message: {exc}"[:2000])
        report.failed.append(mail_id)
        return
    attempts = mail.attempts + 1
    db.session.rollback()  # hold no read snapshot across the SMTP conversation
    error: Exception | None = None
    try:
        _smtp_send(message, config)
    except (OSError, smtplib.SMTPException) as exc:
        error = exc
    values = _outcome(error, attempts, config)
    _set(mail_id, **values)
    {SENT: report.sent, FAILED: report.failed, QUEUED: report.retrying}[values["status"]].append(
        mail_id
    )
    if values["status"] == QUEUED:
        log.warning(
            "mail %s not delivered, retry at %s: %s", mail_id, values["next_attempt_at"], error
        )


def deliver_committed() -> DeliveryReport:
    """Deliver the mail queued by transactions this session has committed."""
    report = DeliveryReport()
    ids = db.session.info.pop("outbox_committed", None)
    for mail_id in ids or ():
        _deliver_one(mail_id, report)
    return report


def deliver_due(now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    """Deliver every queued mail whose time has come; re-queue rows stuck in sending."""
    now = now or utcnow()
    _write(
        sa.update(OutboxMail)
        .where(OutboxMail.status == SENDING, OutboxMail.claimed_at < now - STALE_SENDING)
        .values(status=QUEUED)
    )
    ids = db.session.scalars(
        sa.select(OutboxMail.id)
        .where(OutboxMail.status == QUEUED, OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
    ).all()
    report = DeliveryReport()
    for mail_id in ids:
        try:
            _deliver_one(mail_id, report, now)
        except Exception:  # one row must not stop the batch; the row stays claimed
            log.exception("delivering mail %s failed", mail_id)
            db.session.rollback()
    return report


def requeue(mail_id: int) -> bool:
    """Put a failed mail back in the queue to be tried at once (a coordinator's retry).

    Runs in the caller's transaction; answers False when the mail is not failed (already
    sent, queued or being sent), so a double click cannot send it twice.
    """
    changed = db.session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == FAILED)
        .values(status=QUEUED, next_attempt_at=utcnow(), failing_since=None)
    ).rowcount
    return changed == 1


def init_app(app: Flask) -> None:
    """Track queued mail across commits; app.boundary delivers it after each commit."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
