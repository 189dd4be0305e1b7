"""The disposal rules an administrator set, and the disposal log: what the disposal job
erased, by kind and rule; never whose."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


class DisposalLog(db.Model):
    """One kind of record disposed of in one run: how many, under which rule, when."""

    __tablename__ = "disposal_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    count: Mapped[int] = mapped_column()
    months: Mapped[int] = mapped_column()  # the rule: this many months after ...
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)  # ... records ended before this

    __table_args__ = (
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
        sa.CheckConstraint("months >= 1", name="months_positive"),
    )


class RetentionRule(db.Model):
    """An administrator's period for one kind of record; it overrides the configuration."""

    __tablename__ = "retention_rule"

    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    months: Mapped[int] = mapped_column()  # 0: kept until further notice
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinator.id", ondelete="SET NULL"), index=True
    )

    __table_args__ = (sa.CheckConstraint("months >= 0 AND months <= 1200", name="months_range"),)
