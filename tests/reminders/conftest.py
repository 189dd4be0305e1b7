"""Helpers for the reminder tests: one sweep as the scheduler runs it, mail delivered."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from app.boundary import unit_of_work
from app.extensions import db
from app.mail import OutboxMail, deliver_due
from app.reminders.models import Reminder
from app.reminders.services import SweepReport, run_sweep
from app.timeutil import localize


def sweep(now: datetime) -> SweepReport:
    """Run one sweep as the scheduler's job does, then deliver the outbox."""
    with unit_of_work():
        report = run_sweep(now)
    deliver_due()
    return report


def at_home(day: date, hour: int = 8) -> datetime:
    """Return a wall-clock hour in Göteborg as a UTC moment."""
    return localize(day, time(hour), "Europe/Stockholm").astimezone(UTC)


def recorded() -> list[tuple[str, str, str, int]]:
    """Return every recorded reminder as (rule, recipient, status, offset in days)."""
    rows = db.session.scalars(sa.select(Reminder).order_by(Reminder.id))
    return [(r.rule, r.recipient, r.status, r.offset_minutes // 1440) for r in rows]


def mail_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))


@pytest.fixture
def office(app):
    """One coordinator (reading the default language, Swedish)."""
    from tests.factories import make_coordinator

    return make_coordinator("office@example.org", name="Office")
