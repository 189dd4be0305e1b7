"""Reminders and the scheduler's bookkeeping: rules, every reminder queued or missed,
the heartbeat and the lease that makes one scheduler process the active one."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

HEARTBEAT_NAME = "scheduler"  # the heartbeat row of the active scheduler process
LEASE_NAME = "scheduler"  # the lease row that makes one scheduler process the active one

QUEUED = "queued"  # handed to the outbox; the outbox row says whether it went out
MISSED = "missed"  # found past its grace period: recorded, never sent
REMINDER_STATUSES = (QUEUED, MISSED)


class SchedulerHeartbeat(db.Model):
    """The last moment a scheduler process said it was alive."""

    __tablename__ = "scheduler_heartbeat"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pid: Mapped[int | None] = mapped_column()
    host: Mapped[str] = mapped_column(sa.String(255), default="")


class SchedulerLease(db.Model):
    """Which scheduler process runs the jobs, until when; others stand by to take over."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(120))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReminderRule(db.Model):
    """A coordinator's change to one reminder rule; a rule without a row uses its defaults."""

    __tablename__ = "reminder_rule"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    offsets: Mapped[str] = mapped_column(sa.String(200))  # e.g. "180d, 90d, 30d, 0d" or "24h"
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinator.id", ondelete="SET NULL")
    )


class Reminder(db.Model):
    """One reminder of one rule, for one object (and occurrence), recipient and offset.

    `key` is unique: a sweep run twice, or by two processes at once, records (and so
    queues) each reminder once. A moved occurrence keeps its original start in the key,
    so a reminder already sent for an offset is not sent again for the new time.
    """

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(400), unique=True)
    rule: Mapped[str] = mapped_column(sa.String(40))
    object_key: Mapped[str] = mapped_column(sa.String(120))
    original_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    offset_minutes: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    event_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    mail_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_mail.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'missed')", name="status_known"),
        sa.CheckConstraint("offset_minutes >= 0", name="offset_not_negative"),
        sa.Index("ix_reminder_object", "rule", "object_key"),
    )
