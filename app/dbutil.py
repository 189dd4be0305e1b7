"""Database helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from app.extensions import db


def configure_engine(engine: Engine) -> None:
    """Give SQLite foreign keys, WAL, a busy timeout and explicit BEGIN statements."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy emit BEGIN itself, so a write transaction can be IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def begin_write_transaction() -> None:
    """Start the session's transaction as a writer, before anything else in it.

    On SQLite this is BEGIN IMMEDIATE, which takes the database's write lock at once, so
    two requests that read-then-write cannot both read stale counts. A transaction that
    is already a writer is kept (nothing flushed in it is committed early). On PostgreSQL
    it does nothing: lock the rows you change with `lock_for_update`.
    """
    session = db.session()
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL: the rows locked with lock_for_update are what matters
    if session.in_transaction():
        if session.connection().get_execution_options().get("sqlite_begin") == "IMMEDIATE":
            return  # already the writer (every POST request starts so)
        session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def insert_skipping_existing(table: sa.Table, *unique: str) -> sa.Insert:
    """Return an INSERT into `table` that skips each row whose `unique` columns are taken.

    ON CONFLICT DO NOTHING on both databases: on PostgreSQL a row that another transaction
    is inserting meanwhile is waited for, and skipped if that transaction commits. Add
    `.returning(...)` to learn which rows went in.
    """
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=list(unique))


def lock_for_update(model: type, pk: int) -> object | None:
    """Load one row and lock it for the rest of the transaction (FOR UPDATE on PostgreSQL)."""
    return db.session.scalar(
        sa.select(model)
        .where(model.id == pk)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def in_values(column: sa.ColumnElement, values: list) -> sa.ColumnElement[bool]:
    """Return `column IN (values)` as one bound parameter, however many the values.

    One statement for any number (no batches of a few hundred, no limit on parameters):
    PostgreSQL compares with `= ANY(array)`, SQLite reads a JSON array with json_each.
    """
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(None, list(values), type_=ARRAY(column.type)))
    listed = sa.func.json_each(json.dumps(list(values))).table_valued("value")
    return column.in_(sa.select(listed.c.value))
