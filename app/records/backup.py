"""The backup archive: every table and every uploaded document, as one versioned JSON file.

`build_archive` reads everything in one transaction (REPEATABLE READ on PostgreSQL; on
SQLite one read transaction of the WAL database), so the archive is one consistent
moment even while the site takes sign-ups. The archive names its format version and the
database's Alembic revision; `restore_archive` loads it only into an empty database at
that same revision, table by table in dependency order, writes the documents back under
the instance folder (checked against their SHA-256), and moves PostgreSQL's sequences on
past the restored ids.

The scheduler's lease and heartbeat are left out: they describe running processes, not
data, and a restored lease would keep the new scheduler waiting for a dead one.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from flask import current_app

from app.calendar import version
from app.extensions import db
from app.timeutil import utcnow

FORMAT = "vanort-backup"
FORMAT_VERSION = 1
# Running processes and passing counters, not data: the scheduler's lease and heartbeat,
# and the rate limits' counters (which also hold addresses tried).
SKIPPED = ("scheduler_lease", "scheduler_heartbeat", "rate_limit")
# Rows every migrated database has from the start; a restore replaces them.
SEEDED = ("installation", "data_version")
DOCUMENT_FOLDERS = ("agreements", "meetings")


class RestoreError(Exception):
    """The archive cannot be restored here; the message says why (nothing was changed)."""


def tables() -> list[sa.Table]:
    """Return every table of the archive, parents before children."""
    return [t for t in db.metadata.sorted_tables if t.name not in SKIPPED]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _python_type(column: sa.Column) -> type | None:
    kind = column.type
    while isinstance(kind, sa.TypeDecorator):
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _decode(column: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value)
    if kind is Decimal:
        return Decimal(value)
    return value


def current_revision(conn: sa.Connection) -> str | None:
    """Return the database's Alembic revision (None: never migrated)."""
    return MigrationContext.configure(conn).get_current_revision()


def _documents() -> Iterator[tuple[str, bytes]]:
    root = Path(current_app.instance_path)
    for folder in DOCUMENT_FOLDERS:
        base = root / folder
        if base.is_dir():
            for path in sorted(base.iterdir()):
                if path.is_file():
                    yield f"{folder}/{path.name}", path.read_bytes()


def build_archive() -> dict:
    """Return the whole database and the documents as one JSON-able archive."""
    engine = db.engine
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        revision = current_revision(conn)
        data = {}
        for table in tables():
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(table.select().order_by(*order)).mappings()
            data[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
        # Read inside the transaction: a document written later has no row in the archive.
        documents = {
            name: {
                "sha256": hashlib.sha256(content).hexdigest(),
                "size": len(content),
                "data": base64.b64encode(content).decode(),
            }
            for name, content in _documents()
        }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "alembic_revision": revision,
        "created_at": utcnow().isoformat(),
        "dialect": engine.dialect.name,
        "tables": data,
        "documents": documents,
    }


def check_archive(archive: object) -> dict:
    """Return the archive if it is one this version reads, else raise RestoreError."""
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise RestoreError("This file is not a Vänort backup archive.")
    if archive.get("format_version") != FORMAT_VERSION:
        raise RestoreError(
            f"The archive has format version {archive.get('format_version')!r}; "
            f"this version of Vänort reads version {FORMAT_VERSION}."
        )
    if not isinstance(archive.get("tables"), dict):
        raise RestoreError("The archive holds no tables.")
    return archive


def _non_empty_tables(conn: sa.Connection) -> list[str]:
    return [
        t.name
        for t in tables()
        if t.name not in SEEDED
        and conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is not None
    ]


def restore_archive(archive: dict) -> dict[str, int]:
    """Load an archive as `_restore` does; a damaged archive (a value of the wrong type, a
    row twice, a row without its parent, bad base64) raises RestoreError, changing nothing."""
    try:
        return _restore(archive)
    except RestoreError:
        raise
    except (sa.exc.SQLAlchemyError, ValueError, TypeError, AttributeError, KeyError) as error:
        first_line = (str(error).splitlines() or [""])[0][:200]
        raise RestoreError(
            f"The archive is damaged ({type(error).__name__}: {first_line}); nothing was restored."
        ) from error


def _restore(archive: dict) -> dict[str, int]:
    """Load an archive into this empty database at the archive's revision, in one transaction.

    Returns the number of rows restored per table. Raises RestoreError (changing nothing)
    for a database that holds data, a different revision, or a document whose checksum
    does not match.
    """
    check_archive(archive)
    known = {t.name for t in tables()}
    unknown = sorted(set(archive["tables"]) - known)
    if unknown:
        raise RestoreError(f"The archive has tables this schema lacks: {', '.join(unknown)}.")
    documents = _checked_documents(archive.get("documents") or {})
    engine = db.engine
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        options = {"sqlite_begin": "IMMEDIATE"} if engine.dialect.name == "sqlite" else {}
        with conn.execution_options(**options).begin():
            revision = current_revision(conn)
            if revision != archive.get("alembic_revision"):
                raise RestoreError(
                    f"The archive was made at schema revision {archive.get('alembic_revision')!r};"
                    f" this database is at {revision!r}. Bring the database to the archive's"
                    " revision (flask db upgrade or downgrade) and restore again."
                )
            filled = _non_empty_tables(conn)
            if filled:
                raise RestoreError(
                    "The database is not empty (it has rows in "
                    + ", ".join(filled)
                    + "); restore only into a new database after `flask db upgrade`."
                )
            for table in tables():
                rows = archive["tables"].get(table.name) or []
                if table.name in SEEDED and rows:
                    conn.execute(table.delete())
                if rows:
                    columns = {c.name: c for c in table.columns}
                    strange = {k for row in rows for k in row} - set(columns)
                    if strange:
                        raise RestoreError(
                            f"The archive's {table.name} rows have columns this schema lacks:"
                            f" {', '.join(sorted(strange))}."
                        )
                    decoded = [
                        {k: _decode(columns[k], v) for k, v in row.items() if k in columns}
                        for row in rows
                    ]
                    for start in range(0, len(decoded), 1000):
                        conn.execute(table.insert(), decoded[start : start + 1000])
                counts[table.name] = len(rows)
            if engine.dialect.name == "postgresql":
                _reset_sequences(conn)
            # A data version of its own: running workers keep pages and feeds by version,
            # and the archive's version numbers were theirs for other data.
            version.new_epoch(conn)
            _write_documents(documents)
    return counts


def _checked_documents(documents: dict) -> dict[str, bytes]:
    checked = {}
    for name, entry in documents.items():
        folder, _, filename = name.partition("/")
        if folder not in DOCUMENT_FOLDERS or not filename or Path(filename).name != filename:
            raise RestoreError(
                f"The archive names a document outside the document folders: {name!r}."
            )
        content = base64.b64decode(entry["data"])
        if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            raise RestoreError(f"The document {name} does not match its checksum.")
        checked[name] = content
    return checked


def _write_documents(documents: dict[str, bytes]) -> None:
    root = Path(current_app.instance_path)
    for name, content in documents.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_bytes() != content:
            raise RestoreError(f"A different file is already stored as {name}.")
        path.write_bytes(content)


def _reset_sequences(conn: sa.Connection) -> None:
    """Move every id sequence past the largest restored id (PostgreSQL)."""
    for table in tables():
        for column in table.primary_key.columns:
            sequence = conn.scalar(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": column.name},
            )
            if sequence:
                largest = conn.scalar(sa.select(sa.func.max(column)))
                conn.execute(
                    sa.text("SELECT setval(:s, :value, :called)"),
                    {"s": sequence, "value": largest or 1, "called": largest is not None},
                )
