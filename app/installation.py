"""The identity of this installation: stored once, it names every calendar UID.

UIDs must stay the same for the life of the data, whatever address the planner is
served from later, or subscribers would see every event twice. So the right-hand side of
every UID is a domain stored in the database when the installation is created: the host
of `PUBLIC_BASE_URL` for installations that already sent UIDs with it (migration 0008),
a random name for new ones.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

_CACHE_KEY = "vanort.uid_domain"


class Installation(db.Model):
    """The one row that identifies this installation."""

    __tablename__ = "installation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    uid_domain: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("uid_domain <> ''", name="uid_domain_not_empty"),
    )


def new_uid_domain() -> str:
    """Return a fresh, globally unique right-hand side for the UIDs of a new installation."""
    return f"{secrets.token_hex(8)}.vanort"


def ensure(conn: sa.Connection) -> None:
    """Store this installation's row if it is missing (a new database)."""
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(
        Installation
    )
    conn.execute(
        insert.values(
            id=1, uid_domain=new_uid_domain(), created_at=utcnow()
        ).on_conflict_do_nothing()
    )


def uid_domain() -> str:
    """Return the installation's UID domain, creating the row if it is missing.

    The value is remembered per application only once it has been read back from a
    stored row, so a rolled-back creation never leaves a UID domain nobody stored.
    """
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached:
        return cached
    stored = db.session.scalar(sa.select(Installation.uid_domain).where(Installation.id == 1))
    if stored:
        current_app.extensions[_CACHE_KEY] = stored
        return stored
    dialect = db.engine.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Installation)
    db.session.execute(
        insert.values(
            id=1, uid_domain=new_uid_domain(), created_at=utcnow()
        ).on_conflict_do_nothing()
    )
    return db.session.scalar(sa.select(Installation.uid_domain).where(Installation.id == 1))


def calendar_uid(*parts: object) -> str:
    """Return "<parts joined by ->@<installation domain>", e.g. meeting-12@3f0c….vanort."""
    return "-".join(str(p) for p in parts) + f"@{uid_domain()}"
