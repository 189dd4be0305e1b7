"""The scheduler process: every job, by explicit id, in one list.

Run it as exactly one process (`flask --app app scheduler`). Each job is a repeatable
sweep run inside `unit_of_work()`: it commits once on success, rolls back on failure, and
its mail goes out after the commit.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from app.boundary import unit_of_work
from app.extensions import db
from app.reminders.models import SchedulerHeartbeat
from app.timeutil import utcnow

log = logging.getLogger(__name__)

HEARTBEAT_NAME = "scheduler"


def beat() -> None:
    """Record that the scheduler is alive (shown by /healthz)."""
    row = db.session.get(SchedulerHeartbeat, HEARTBEAT_NAME)
    if row is None:
        row = SchedulerHeartbeat(name=HEARTBEAT_NAME)
        db.session.add(row)
    row.beat_at = utcnow()
    row.pid = os.getpid()
    row.host = socket.gethostname()[:255]


def sweep_outbox() -> None:
    """Deliver queued mail whose time has come (the outbox commits row by row)."""
    from app.mail import deliver_due

    report = deliver_due()
    if report.sent or report.retrying or report.failed:
        log.info(
            "outbox: %d sent, %d to retry, %d failed",
            len(report.sent),
            len(report.retrying),
            len(report.failed),
        )


def expire_offers() -> None:
    """Let waiting-list offers past their deadline lapse and pass the places on."""
    from app.exchanges.services import expire_offers as expire

    lapsed = expire(utcnow())
    if lapsed:
        log.info("exchanges: %d offers lapsed", len(lapsed))


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[], object]
    every_seconds: int


JOBS: tuple[Job, ...] = (
    Job("heartbeat", beat, 30),
    Job("outbox", sweep_outbox, 30),
    Job("exchanges-expire-offers", expire_offers, 300),
)


def run_job(app: Flask, job: Job) -> None:
    """Run one job in its own app context and transaction; a failure is logged, not raised."""
    with app.app_context():
        try:
            with unit_of_work():
                job.run()
        except Exception:
            log.exception("scheduler job %s failed", job.id)
        finally:
            db.session.remove()


def build_scheduler(app: Flask):  # -> apscheduler BlockingScheduler
    """Return the scheduler with every job of JOBS, by explicit id."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    for job in JOBS:
        scheduler.add_job(
            run_job,
            "interval",
            seconds=job.every_seconds,
            args=(app, job),
            id=job.id,
            name=job.id,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
    return scheduler


def run(app: Flask) -> None:
    """Run the scheduler in the foreground until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    run_job(app, JOBS[0])
    log.info("scheduler started")
    scheduler = build_scheduler(app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
