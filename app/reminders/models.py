"""Scheduler bookkeeping."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime


class SchedulerHeartbeat(db.Model):
    """The last moment a scheduler process said it was alive."""

    __tablename__ = "scheduler_heartbeat"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pid: Mapped[int | None] = mapped_column()
    host: Mapped[str] = mapped_column(sa.String(255), default="")
