"""Calendar subscriptions: the data version feeds are cached by, and private feed tokens."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Coordinator
from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


class DataVersion(db.Model):
    """One row counting every committed change to what a calendar feed shows.

    `changed_at` (Unix milliseconds) only moves forward, by at least a millisecond on
    every change, so a feed's Last-Modified never goes back, and a deletion moves it too.
    `epoch` is drawn anew whenever the row is created, so cached feeds of an emptied
    database are never served again.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    changed_at: Mapped[int] = mapped_column(sa.BigInteger)
    epoch: Mapped[str] = mapped_column(sa.String(32))

    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)


class FeedToken(db.Model):
    """A revocable secret that opens a private feed; only its SHA-256 is stored."""

    __tablename__ = "feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hint: Mapped[str] = mapped_column(sa.String(8))  # the first characters, to tell tokens apart
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinator.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[Coordinator | None] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint("label <> ''", name="label_not_empty"),)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<FeedToken {self.id} {self.hint}…>"
