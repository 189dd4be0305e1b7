"""A `limits` storage on the app's own SQL database, shared by every worker and host.

Flask-Limiter keeps its counters in a storage named by `RATELIMIT_STORAGE_URI`. In-memory
counters are per process: behind gunicorn with four workers an attacker gets four times
the limit, and behind two hosts eight. This storage keeps the counters in the `rate_limit`
table of the database every worker already shares (SQLite for one host, PostgreSQL for
several), so one limit holds everywhere without running Redis. `redis://…` still works when
configured (with the redis package installed).

Each count is one atomic upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING, on SQLite
3.35+ and PostgreSQL), in a short transaction of its own on its own connection: a request
that is refused and rolled back keeps its count.
"""

from __future__ import annotations

import secrets
import time

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

SCHEME = "vanort-db"
SWEEP_ONE_IN = 200  # hits


class RateLimitCounter(db.Model):
    """One fixed window's count of hits under one key, until `expires_at` (epoch seconds)."""

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(sa.Double, index=True)


def _table() -> sa.Table:
    return RateLimitCounter.__table__


def _upsert(dialect: str, key: str, expiry: float, amount: int, now: float):
    """Return the statement that counts `amount` hits and answers the new count."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = _table()
    stmt = insert(table).values(key=key, hits=amount, expires_at=now + expiry)
    expired = table.c.expires_at <= now
    return stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            # Both use the row's old values: a lapsed window starts again from this hit.
            "hits": sa.case((expired, amount), else_=table.c.hits + amount),
            "expires_at": sa.case((expired, now + expiry), else_=table.c.expires_at),
        },
    ).returning(table.c.hits)


class DatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limit` table (`vanort-db://`)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def _engine(self) -> sa.Engine:
        return db.engine  # the app's engine: this storage is used inside an app context

    def _begin(self):
        # SQLite: take the write lock at once, so the upsert never has to upgrade a reader.
        conn = self._engine().connect()
        if conn.dialect.name == "sqlite":
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        return conn

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        with self._begin() as conn, conn.begin():
            now = time.time()
            hits = conn.execute(_upsert(conn.dialect.name, key, expiry, amount, now)).scalar_one()
            # Now and then, the windows that have passed go: the table stays small without
            # a job of its own.
            if secrets.randbelow(SWEEP_ONE_IN) == 0:
                table = _table()
                conn.execute(table.delete().where(table.c.expires_at <= now))
            return hits

    def get(self, key: str) -> int:
        table = _table()
        with self._engine().connect() as conn:
            hits = conn.scalar(
                sa.select(table.c.hits).where(table.c.key == key, table.c.expires_at > time.time())
            )
            conn.rollback()
        return hits or 0

    def get_expiry(self, key: str) -> float:
        table = _table()
        with self._engine().connect() as conn:
            expires = conn.scalar(sa.select(table.c.expires_at).where(table.c.key == key))
            conn.rollback()
        now = time.time()
        return expires if expires and expires > now else now

    def check(self) -> bool:
        try:
            with self._engine().connect() as conn:
                conn.execute(sa.text("SELECT 1"))
                conn.rollback()
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._begin() as conn, conn.begin():
            return conn.execute(_table().delete()).rowcount

    def clear(self, key: str) -> None:
        with self._begin() as conn, conn.begin():
            conn.execute(_table().delete().where(_table().c.key == key))

    def sweep(self) -> int:
        """Remove the counters whose window has passed; return how many."""
        with self._begin() as conn, conn.begin():
            table = _table()
            return conn.execute(table.delete().where(table.c.expires_at <= time.time())).rowcount
