"""The reminder scheduler: one dedicated process running repeatable sweeps."""

from __future__ import annotations

import logging
import os
import socket

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.extensions import db
from app.mail import deliver_due
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
    db.session.commit()


def _job(app: Flask, fn) -> None:
    with app.app_context():
        try:
            fn()
        except Exception:
            log.exception("scheduler job %s failed", fn.__name__)
            db.session.rollback()
        finally:
            db.session.remove()


def _sweep_outbox() -> None:
    report = deliver_due()
    if report.sent or report.retrying or report.failed:
        log.info(
            "outbox: %d sent, %d to retry, %d failed",
            len(report.sent),
            len(report.retrying),
            len(report.failed),
        )


def build_scheduler(app: Flask) -> BlockingScheduler:
    """Return the scheduler with every job defined here, by explicit id."""
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    from app.exchanges.jobs import sweep_offers

    jobs = [
        ("heartbeat", beat, 30),
        ("outbox", _sweep_outbox, 30),
        ("exchanges-expire-offers", sweep_offers, 300),
    ]
    for job_id, fn, seconds in jobs:
        scheduler.add_job(
            _job,
            "interval",
            seconds=seconds,
            args=(app, fn),
            id=job_id,
            name=job_id,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
    return scheduler


def run(app: Flask) -> None:
    """Run the scheduler in the foreground until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    _job(app, beat)
    log.info("scheduler started")
    scheduler = build_scheduler(app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
