"""The reminder sweep, and what the coordinators' pages read: the plan, the log, a retry.

For the scheduler and the command line:
- `run_sweep(now, *, dry_run=False) -> SweepReport`: one pass as if the clock read
  `now`. Call it inside `unit_of_work()`; it writes, never commits. Each due reminder is
  recorded under its unique key (one INSERT that skips keys already taken, so a sweep
  running at the same moment in another process loses the race quietly) and, when it is
  to be sent, its mail is queued in the same transaction (one INSERT for all the
  sweep's mails); missed ones are recorded, never sent.
For the pages:
- `plan(now, until) -> list[Due]`: what will go to whom, and when;
- `reminder_log(status, page) -> LogPage`: reminders recorded, newest first, with their mail;
- `retry(reminder_id) -> bool`: put a failed reminder's mail back in the queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from app import audit, mail
from app.dbutil import begin_write_transaction, insert_skipping_existing
from app.extensions import db
from app.mail import Draft, OutboxMail
from app.reminders import sources
from app.reminders.mails import MailBatch, reminder_mail
from app.reminders.models import MISSED, QUEUED, Reminder, SchedulerHeartbeat
from app.reminders.rules import effective_rules
from app.reminders.sweep import LOOKBACK, SEND, Due, due, upcoming
from app.timeutil import utcnow

log = logging.getLogger(__name__)

PLANNED = "planned"  # a dry run's reminder to send
ERROR = "error"  # written "error:<what>": the mail could not be made (shown in the log)


@dataclass
class Outcome:
    """What a sweep did with one due reminder."""

    due: Due
    status: str  # QUEUED or MISSED (recorded), PLANNED (dry run, to send)
    reminder_id: int | None = None
    mail_id: int | None = None
    reason: str = ""


@dataclass
class SweepReport:
    """One sweep: every reminder it recorded (or would record), and races it lost."""

    now: datetime
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    lost: int = 0  # recorded meanwhile by another sweep: nothing done here

    @property
    def queued(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in (QUEUED, PLANNED)]

    @property
    def missed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == MISSED]


def _not_recorded(found: list[Due]) -> list[Due]:
    recorded = sources.keys_recorded(d.key for d in found)
    return [d for d in found if d.key not in recorded]


SWEEP_MARK = "reminders-sweep"  # a heartbeat row: the moment the last sweep looked at
LONGEST_LOOKBACK = timedelta(days=400)


def _lookback(now: datetime) -> timedelta:
    """How far back this sweep looks: LOOKBACK, or back to the last sweep if longer.

    A first sweep (a fresh install) does not log a flood of ancient misses; a scheduler
    stopped for longer than LOOKBACK still records as missed what fell due meanwhile.
    """
    mark = db.session.get(SchedulerHeartbeat, SWEEP_MARK)
    if mark is None or mark.beat_at >= now:
        return LOOKBACK
    return min(max(LOOKBACK, now - mark.beat_at), LONGEST_LOOKBACK)


def _mark_swept(now: datetime) -> None:
    mark = db.session.get(SchedulerHeartbeat, SWEEP_MARK)
    if mark is None:
        try:
            with db.session.begin_nested():  # two first sweeps at once: one row wins
                db.session.add(SchedulerHeartbeat(name=SWEEP_MARK, beat_at=now, host=""))
        except IntegrityError:
            pass
    elif mark.beat_at < now:
        mark.beat_at = now


def due_now(now: datetime) -> list[Due]:
    """Return the reminders due at `now` and not yet recorded."""
    rules = effective_rules()
    lookback = _lookback(now)
    found = due(sources.candidates(rules, now - lookback, now), rules, now, lookback=lookback)
    return _not_recorded(found)


def run_sweep(now: datetime, *, dry_run: bool = False) -> SweepReport:
    """Record every reminder due at `now`, queueing the mail of those to send.

    Repeatable: a second sweep, here or in another process, records and queues nothing
    twice. A dry run reads only.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetime")
    report = SweepReport(now, dry_run)
    if dry_run:
        for d in due_now(now):
            report.outcomes.append(
                Outcome(d, PLANNED if d.action == SEND else MISSED, reason=d.reason)
            )
        return report
    # SQLite: take the write lock first, so that what is read is still true when written.
    begin_write_transaction()
    claimed = _claim(due_now(now), report)
    _queue_mails(claimed, now)
    _mark_swept(now)
    return report


def _claim(found: list[Due], report: SweepReport) -> list[Outcome]:
    """Record the reminders under their unique keys, in one INSERT; return those recorded.

    A key recorded meanwhile by another sweep (on PostgreSQL the INSERT waits for that
    sweep's transaction) is skipped and counted lost: that sweep queues its mail.
    """
    unique: dict[str, Due] = {}
    for d in found:
        if d.key in unique:
            report.lost += 1
        else:
            unique[d.key] = d
    if not unique:
        return []
    table = Reminder.__table__
    now = utcnow()
    rows = [
        {
            "key": d.key,
            "rule": d.rule,
            "object_key": d.candidate.object_key,
            "original_start": d.candidate.original_start,
            "recipient": d.recipient.address,
            "offset_minutes": d.offset,
            "title": d.candidate.title[:300],
            "due_at": d.due_at,
            "event_at": d.candidate.event_at,
            "status": QUEUED if d.action == SEND else MISSED,
            "reason": d.reason[:300],
            "created_at": now,
        }
        for d in unique.values()
    ]
    ids = dict(
        db.session.execute(
            insert_skipping_existing(table, "key").returning(table.c.key, table.c.id), rows
        ).all()
    )
    report.lost += len(unique) - len(ids)
    claimed = [
        Outcome(d, QUEUED if d.action == SEND else MISSED, ids[key], reason=d.reason[:300])
        for key, d in unique.items()
        if key in ids
    ]
    report.outcomes.extend(claimed)
    return claimed


def _queue_mails(claimed: list[Outcome], now: datetime) -> None:
    """Make the mail of each recorded reminder to send and queue them all in one INSERT.

    A mail that cannot be made does not stop the others: its reminder is recorded missed,
    with the error as its reason.
    """
    batch = MailBatch(now)
    drafts: list[tuple[Outcome, Draft]] = []
    failed: list[dict] = []
    for outcome in claimed:
        if outcome.status != QUEUED:
            continue
        try:
            drafts.append((outcome, reminder_mail(outcome.due, batch)))
        except DBAPIError:
            raise
        except Exception as exc:
            log.exception("reminder %s: the mail could not be made", outcome.due.key)
            outcome.status = MISSED
            outcome.reason = f"{ERROR}:{type(exc).__name__}: {exc}"[:300]
            failed.append({"rid": outcome.reminder_id, "why": outcome.reason})
    ids = mail.queue_drafts([draft for _outcome, draft in drafts])
    for outcome, draft in drafts:
        outcome.mail_id = ids[draft.key]
    table = Reminder.__table__
    if drafts:
        db.session.execute(
            table.update()
            .where(table.c.id == sa.bindparam("rid"))
            .values(mail_id=sa.bindparam("mail")),
            [{"rid": o.reminder_id, "mail": o.mail_id} for o, _draft in drafts],
        )
    if failed:
        db.session.execute(
            table.update()
            .where(table.c.id == sa.bindparam("rid"))
            .values(status=MISSED, reason=sa.bindparam("why")),
            failed,
        )


def plan(now: datetime, until: datetime) -> list[Due]:
    """Return what is due now but not yet swept, and what falls due up to `until`."""
    rules = effective_rules()
    found = sources.candidates(rules, now - LOOKBACK, until)
    return _not_recorded(due(found, rules, now) + upcoming(found, rules, now, until))


def planned_between(now: datetime, start: datetime, end: datetime) -> list[Due]:
    """Return the reminders still to be sent whose moment lies in [start, end).

    What is due but not yet swept counts at its own moment, as on the coming page; a
    window wholly in the past holds none.
    """
    if end <= now - LOOKBACK:
        return []
    since = max(start, now - LOOKBACK)
    found = plan(now, end) if since <= now else _planned_after(since, end, now)
    return [d for d in found if d.action == SEND and start <= d.due_at < end]


def _planned_after(since: datetime, until: datetime, now: datetime) -> list[Due]:
    rules = effective_rules()
    found = sources.candidates(rules, since, until)
    return _not_recorded(upcoming(found, rules, now, until))


# --- the log ---------------------------------------------------------------------------

LOG_FILTERS = ("sent", "failed", "queued", "missed")
PER_PAGE = 50


@dataclass(frozen=True)
class LogPage:
    rows: list[tuple[Reminder, OutboxMail | None]]
    page: int
    has_next: bool


def reminder_log(status: str = "", page: int = 1, per_page: int = PER_PAGE) -> LogPage:
    """Return recorded reminders, newest first, each with its mail, one page at a time.

    `status`: "sent", "failed", "queued" (waiting or being sent), "missed", or "" for all.
    """
    query = sa.select(Reminder, OutboxMail).outerjoin(OutboxMail, Reminder.mail_id == OutboxMail.id)
    if status == "missed":
        query = query.where(Reminder.status == MISSED)
    elif status == "queued":
        query = query.where(
            Reminder.status == QUEUED, OutboxMail.status.in_((mail.QUEUED, mail.SENDING))
        )
    elif status in ("sent", "failed"):
        query = query.where(Reminder.status == QUEUED, OutboxMail.status == status)
    page = max(page, 1)
    rows = db.session.execute(
        query.order_by(Reminder.created_at.desc(), Reminder.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return LogPage([(rem, m) for rem, m in rows[:per_page]], page, len(rows) > per_page)


def failed_count() -> int:
    """Return how many reminders' mails the server refused for good (for a dashboard)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Reminder)
        .join(OutboxMail, Reminder.mail_id == OutboxMail.id)
        .where(OutboxMail.status == mail.FAILED)
    )


def retry(reminder_id: int) -> bool | None:
    """Put a failed reminder's mail back in the queue; False when it is not failed (any
    more), None when there is no such reminder."""
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None:
        return None
    if reminder.mail_id is None:
        return False
    if not mail.requeue(reminder.mail_id):
        return False
    audit.record(
        "retry",
        object_type="Reminder",
        object_id=reminder.id,
        summary=audit.say(
            "Reminder mail to %(to)s queued again (%(rule)s)",
            to=reminder.recipient,
            rule=reminder.rule,
        ),
    )
    return True
