"""The scheduler process: one active process under a lease, a standby that takes over,
and mail delivered by it, not by the requests that queued it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from app import ROOT
from app.dbutil import begin_write_transaction
from app.extensions import db
from app.mail import SENT, OutboxMail, queue_mail
from app.reminders.models import SchedulerHeartbeat, SchedulerLease
from app.scheduler import LEASE_JOB, Lease, build_scheduler
from app.timeutil import utcnow
from tests.conftest import SMTPServer

LEASE_SECONDS = 4  # short, so that a takeover shows within seconds


def test_scheduler_jobs_have_explicit_ids_and_never_overlap(app):
    scheduler = build_scheduler(app, Lease("me", 40))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {
        "heartbeat",
        "outbox",
        "reminders",
        "exchanges-expire-offers",
        "records-disposal",
        LEASE_JOB,
    } == set(jobs)
    for job in jobs.values():
        assert job.coalesce is True
        assert job.max_instances == 1
    assert jobs["outbox"].trigger.interval == timedelta(seconds=2 if _sqlite(app) else 30)


def _sqlite(app) -> bool:
    return app.config["DATABASE_URL"].startswith("sqlite")


def test_one_lease_holder_at_a_time_and_a_standby_takes_over_when_it_runs_out(app):
    first, second = Lease("first", 40), Lease("second", 40)
    assert first.renew() is True and first.held()
    assert second.renew() is False and not second.held()
    assert first.renew() is True  # renewing keeps it
    later = utcnow() + timedelta(seconds=41)  # the first process died 41 s ago
    assert second.renew(now=later) is True
    assert first.renew(now=later) is False and not first.held()
    assert db.session.get(SchedulerLease, "scheduler").holder == "second"
    second.release()
    assert first.renew() is True  # handed back: taken at once


class Scheduler:
    """`flask --app app scheduler` as its own process on the test's database."""

    def __init__(self, app, workdir: Path, name: str, smtp_port: int) -> None:
        self.log = workdir / f"{name}.log"
        env = {
            **os.environ,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "VANORT_INSTANCE_PATH": str(workdir / "instance"),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS),
            "OUTBOX_POLL_SECONDS": "1",
        }
        flask = Path(sys.executable).parent / "flask"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(flask), "--app", "app", "scheduler"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _queue(keys: list[str]) -> None:
    begin_write_transaction()  # SQLite: the schedulers write too; begin as the writer
    for key in keys:
        queue_mail(key=key, to=f"{key}@example.org", subject=key, text="Hej")
    db.session.commit()


def _wait(condition, timeout: float, what: str, logs=()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        if condition():
            return
        time.sleep(0.1)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in logs)
    raise AssertionError(f"{what} did not happen within {timeout} s\n{tails}")


def _grant_report_due_in_two_days() -> None:
    """A coordinator and a grant report due in two days: its 3-day reminder is due now."""
    from app.partners.services import home_today
    from tests.factories import make_coordinator
    from tests.grants.factories import make_grant, make_obligation

    make_coordinator("office@example.org")
    grant = make_grant(title="Accessible city")
    make_obligation(grant, "interim_report", home_today() + timedelta(days=2))


def test_two_schedulers_send_each_mail_once_and_the_standby_takes_over(app, tmp_path):
    inbox_server = SMTPServer(app.config["SMTP_PORT"])  # an inbox that only listens
    inbox_server.start()
    inbox = inbox_server.inbox
    _grant_report_due_in_two_days()
    db.session.commit()
    _queue([f"before{i}" for i in range(10)])
    schedulers = [Scheduler(app, tmp_path, n, app.config["SMTP_PORT"]) for n in ("a", "b")]
    logs = [s.log for s in schedulers]
    try:
        # Ten queued mails and the grant report's reminder, which the active one's sweep
        # queues at once when it takes the lease.
        _wait(lambda: len(inbox.messages) >= 11, 30, "the first eleven mails", logs)
        lease = db.session.get(SchedulerLease, "scheduler")
        active_pid = int(lease.holder.split(":")[1])
        [active] = [s for s in schedulers if s.process.pid == active_pid]
        [standby] = [s for s in schedulers if s is not active]
        _wait(lambda: db.session.get(SchedulerHeartbeat, "scheduler"), 10, "a heartbeat", logs)
        assert db.session.get(SchedulerHeartbeat, "scheduler").pid == active_pid

        active.kill()  # no goodbye: the lease must run out
        killed_at = time.monotonic()
        _queue([f"after{i}" for i in range(5)])
        _wait(lambda: len(inbox.messages) >= 16, 60, "the mails after the kill", logs)
        assert time.monotonic() - killed_at < 60  # taken over within a minute
        lease = db.session.get(SchedulerLease, "scheduler")
        assert int(lease.holder.split(":")[1]) == standby.process.pid
        time.sleep(2)  # time for any duplicate to arrive
        ids = Counter(m["Message-ID"] for m in inbox.messages)
        assert len(ids) == 16 and set(ids.values()) == {1}
        statuses = db.session.scalars(sa.select(OutboxMail.status)).all()
        assert statuses == [SENT] * 16
        [reminder] = [m for m in inbox.messages if m["To"] == "office@example.org"]
        assert "Accessible city" in reminder.get_body(("plain",)).get_content()
    finally:
        for s in schedulers:
            s.stop()
        inbox_server.stop()


def test_a_stopped_scheduler_hands_the_lease_back_at_once(app, tmp_path):
    db.session.commit()
    first = Scheduler(app, tmp_path, "first", app.config["SMTP_PORT"])
    try:
        _wait(
            lambda: "is the active one" in first.log.read_text(),
            30,
            "a lease",
            [first.log],
        )
        first.stop()  # SIGTERM, as a process manager stops it
        db.session.rollback()
        lease = db.session.get(SchedulerLease, "scheduler")
        assert lease.expires_at <= utcnow()
        assert "stopped" in first.log.read_text()
    finally:
        first.stop()


def test_a_sweep_killed_halfway_loses_nothing_and_duplicates_nothing(app, monkeypatch):
    """The sweep is one transaction: killed after queueing some reminders, it leaves
    none; the next run queues each once."""
    from app.boundary import unit_of_work
    from app.reminders import services
    from app.reminders.models import Reminder
    from tests.factories import make_coordinator

    _grant_report_due_in_two_days()
    make_coordinator("second@example.org")
    real_queue = services.reminder_mail
    calls = []

    def dies_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("killed")  # as if the process died here
        return real_queue(*args, **kwargs)

    monkeypatch.setattr(services, "reminder_mail", dies_on_the_second)
    try:
        with unit_of_work():
            services.run_sweep(utcnow())
    except SystemExit:
        pass
    db.session.rollback()
    counts = (
        db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)),
        db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)),
    )
    assert calls == [1, 1] and counts == (0, 0)

    monkeypatch.setattr(services, "reminder_mail", real_queue)
    with unit_of_work():
        services.run_sweep(utcnow())
    with unit_of_work():
        services.run_sweep(utcnow())
    recipients = db.session.scalars(sa.select(OutboxMail.to_addr).order_by(OutboxMail.to_addr))
    assert list(recipients) == ["office@example.org", "second@example.org"]
