"""The scheduler process: every job, by explicit id, in one list, run by one active process.

Start it as its own process (`flask --app app scheduler`), never inside the web workers
(each gunicorn worker would run every job). Start it twice for a standby: a lease row in
the database (`scheduler_lease`) makes exactly one process the active one; the other
renews nothing, runs nothing, and takes the lease over when it has not been renewed for
SCHEDULER_LEASE_SECONDS, i.e. within a minute of the active process dying. A process
that is stopped (SIGTERM, Ctrl-C) hands the lease back at once.

The lease only decides who does the work; it is not what keeps a mail from going out
twice. Every reminder has a unique key and every outbox row is claimed before it is
sent, so two processes that both believed they were active (a paused process waking
after its lease ran out) would still queue and send each mail once.

Each job is a repeatable sweep inside `unit_of_work()`: it commits once on success and
rolls back on failure. The reminders sweep decides from the data what is due, sent or
past its grace period, so nothing depends on the scheduler having run at a given moment:
a process restarted after a week sends what is still useful and records the rest as
missed. The outbox job polls every OUTBOX_POLL_SECONDS and, on PostgreSQL, is woken at
once by the NOTIFY each transaction that queued mail sends on commit.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from app.boundary import unit_of_work
from app.dbutil import begin_write_transaction
from app.extensions import db
from app.reminders.models import (
    HEARTBEAT_NAME,
    LEASE_NAME,
    SchedulerHeartbeat,
    SchedulerLease,
)
from app.timeutil import utcnow

log = logging.getLogger(__name__)


# --- the lease ----------------------------------------------------------------------------


class Lease:
    """This process's claim on the `scheduler` lease row.

    `renew()` takes the lease when it is free or expired and extends it when this process
    holds it, in a short write transaction of its own. `held()` answers from this
    process's monotonic clock, with a margin, so a process that cannot reach the
    database stops working before another one may take over.
    """

    def __init__(self, holder: str, seconds: int) -> None:
        self.holder = holder
        self.seconds = seconds
        self._held_until = 0.0

    def held(self) -> bool:
        return time.monotonic() < self._held_until

    def renew(self, now: datetime | None = None) -> bool:
        started = time.monotonic()
        now = now or utcnow()
        expires = now + timedelta(seconds=self.seconds)
        won = False
        try:
            begin_write_transaction()
            row = db.session.get(SchedulerLease, LEASE_NAME, with_for_update=True)
            if row is None:
                try:
                    with db.session.begin_nested():
                        db.session.add(
                            SchedulerLease(
                                name=LEASE_NAME,
                                holder=self.holder,
                                acquired_at=now,
                                expires_at=expires,
                            )
                        )
                    won = True
                except IntegrityError:  # another process created it first
                    won = False
            elif row.holder == self.holder or row.expires_at <= now:
                if row.holder != self.holder:
                    log.info("taking over the scheduler lease from %s", row.holder)
                    row.holder = self.holder
                    row.acquired_at = now
                row.expires_at = expires
                won = True
            db.session.commit()
        except Exception:
            db.session.rollback()
            self._held_until = 0.0
            raise
        # Stop believing in the lease a quarter of its length before it runs out.
        self._held_until = started + self.seconds * 0.75 if won else 0.0
        return won

    def release(self) -> None:
        """Hand the lease back, so that a standby takes over at its next try."""
        self._held_until = 0.0
        begin_write_transaction()
        db.session.execute(
            sa.update(SchedulerLease)
            .where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == self.holder)
            .values(expires_at=utcnow())
        )
        db.session.commit()


def current_holder() -> SchedulerLease | None:
    """Return the lease row (who is active, until when), or None before any scheduler ran."""
    return db.session.get(SchedulerLease, LEASE_NAME)


# --- the jobs -----------------------------------------------------------------------------


def beat() -> None:
    """Record that the scheduler is alive (shown by /healthz and the dashboard)."""
    row = db.session.get(SchedulerHeartbeat, HEARTBEAT_NAME)
    if row is None:
        row = SchedulerHeartbeat(name=HEARTBEAT_NAME)
        db.session.add(row)
    row.beat_at = utcnow()
    row.pid = os.getpid()
    row.host = socket.gethostname()[:255]


_outbox_woken = threading.Event()


def sweep_outbox() -> None:
    """Deliver queued mail whose time has come (the outbox commits row by row).

    A wake-up that arrives while a pass runs makes it run once more, so mail committed
    during a pass never waits for the next poll.
    """
    from app.mail import deliver_due

    while True:
        _outbox_woken.clear()
        report = deliver_due()
        if report.sent or report.retrying or report.failed:
            log.info(
                "outbox: %d sent, %d to retry, %d failed",
                len(report.sent),
                len(report.retrying),
                len(report.failed),
            )
        if not _outbox_woken.is_set():
            return


def send_reminders() -> None:
    """Queue every reminder that is due now, and record those past their grace as missed."""
    from app.reminders.services import run_sweep

    report = run_sweep(utcnow())
    if report.queued or report.missed:
        log.info("reminders: %d queued, %d missed", len(report.queued), len(report.missed))


def expire_offers() -> None:
    """Let waiting-list offers past their deadline lapse and pass the places on."""
    from app.exchanges.services import expire_offers as expire

    lapsed = expire(utcnow())
    if lapsed:
        log.info("exchanges: %d offers lapsed", len(lapsed))


def dispose_records() -> None:
    """Apply the records plan's disposal rules: erase personal data past its time."""
    from app.records.disposal import run_disposal

    done = [d for d in run_disposal(utcnow()) if d.count]
    if done:
        log.info("records: disposed of %s", ", ".join(f"{d.count} {d.kind}" for d in done))


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[], object]
    every_seconds: int | str  # or the name of the configuration value that says
    # Begin as the writer (SQLite: BEGIN IMMEDIATE), as state-changing requests do; False
    # for a job that writes in short transactions of its own (the outbox, which must not
    # hold the write lock across an SMTP conversation).
    writes: bool = True


JOBS: tuple[Job, ...] = (
    Job("heartbeat", beat, 30),
    Job("outbox", sweep_outbox, "OUTBOX_POLL_SECONDS", writes=False),
    Job("reminders", send_reminders, 60),
    Job("exchanges-expire-offers", expire_offers, 60),
    Job("records-disposal", dispose_records, 24 * 60 * 60),
)
LEASE_JOB = "lease"


def _interval(app: Flask, job: Job) -> int:
    if not isinstance(job.every_seconds, str):
        return job.every_seconds
    configured = app.config.get(job.every_seconds)
    if configured:
        return int(configured)
    with app.app_context():
        return 30 if db.engine.dialect.name == "postgresql" else 2


def run_job(app: Flask, job: Job, lease: Lease | None = None) -> None:
    """Run one job in its own app context and transaction when this process is active.

    A failure is logged, not raised: the next run tries again.
    """
    if lease is not None and not lease.held():
        return
    with app.app_context():
        try:
            with unit_of_work():
                if job.writes:
                    begin_write_transaction()
                job.run()
        except Exception:
            log.exception("scheduler job %s failed", job.id)
        finally:
            db.session.remove()


def _keep_lease(app: Flask, scheduler, lease: Lease) -> None:
    """Renew the lease (or try to take it); on becoming active, run every job at once."""
    was_active = lease.held()
    with app.app_context():
        try:
            active = lease.renew()
        except Exception:
            log.exception("could not reach the database to renew the scheduler lease")
            active = False
        finally:
            db.session.remove()
    if active and not was_active:
        log.info("scheduler %s is the active one", lease.holder)
        now = datetime.now(UTC)
        for job in JOBS:
            scheduler.modify_job(job.id, next_run_time=now)
    elif was_active and not active:
        log.warning("scheduler %s lost the lease; standing by", lease.holder)


def build_scheduler(app: Flask, lease: Lease | None = None):  # -> BlockingScheduler
    """Return the scheduler with the lease job and every job of JOBS, by explicit id."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    grace = app.config["SCHEDULER_MISFIRE_GRACE_SECONDS"]
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
    )
    for job in JOBS:
        scheduler.add_job(
            run_job,
            "interval",
            seconds=_interval(app, job),
            args=(app, job, lease),
            id=job.id,
            name=job.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=grace,
            replace_existing=True,
        )
    if lease is not None:
        scheduler.add_job(
            _keep_lease,
            "interval",
            seconds=max(1, lease.seconds // 4),
            args=(app, scheduler, lease),
            id=LEASE_JOB,
            name=LEASE_JOB,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now(UTC),
            replace_existing=True,
        )
    return scheduler


def wake_outbox(scheduler) -> None:
    """Run the outbox job now (or once more, if it is running)."""
    _outbox_woken.set()
    scheduler.modify_job("outbox", next_run_time=datetime.now(UTC))


def _listen_for_mail(app: Flask, scheduler, lease: Lease, stop: threading.Event) -> None:
    """PostgreSQL: wake the outbox job as soon as a transaction that queued mail commits."""
    import psycopg

    from app.mail import OUTBOX_CHANNEL

    with app.app_context():
        dsn = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    while not stop.is_set():
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f"LISTEN {OUTBOX_CHANNEL}")
                while not stop.is_set():
                    woken = False
                    for _ in conn.notifies(timeout=5.0):
                        woken = True
                        break
                    if woken and lease.held():
                        wake_outbox(scheduler)
        except psycopg.Error:
            log.exception("listening for queued mail failed; retrying in 5 s")
            stop.wait(5)


def process_name() -> str:
    """A name for this process in the lease row: host, pid and a random tag."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(3)}"


def run(app: Flask) -> None:
    """Run the scheduler in the foreground until stopped; stand by while another is active.

    SIGTERM (a process manager) and SIGINT (Ctrl-C) stop it cleanly: running jobs finish
    and the lease is handed back, so that a standby takes over at once.
    """
    stop = threading.Event()
    scheduler = None

    def _stop(signum, frame) -> None:
        stop.set()
        if scheduler is not None and scheduler.running:
            # Not from inside the handler: the main thread may be in the scheduler's loop.
            threading.Thread(target=scheduler.shutdown, name="shutdown", daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    lease = Lease(process_name(), int(app.config["SCHEDULER_LEASE_SECONDS"]))
    scheduler = build_scheduler(app, lease)
    with app.app_context():
        listens = db.engine.dialect.name == "postgresql"
    if listens:
        threading.Thread(
            target=_listen_for_mail,
            args=(app, scheduler, lease, stop),
            name="outbox-listener",
            daemon=True,
        ).start()
    log.info("scheduler %s started", lease.holder)
    try:
        if not stop.is_set():
            scheduler.start()  # returns once shut down
    finally:
        stop.set()
        with app.app_context():
            try:
                lease.release()
            except Exception:
                log.exception("could not hand the scheduler lease back")
            finally:
                db.session.remove()
        log.info("scheduler %s stopped", lease.holder)
