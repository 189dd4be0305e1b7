"""Migrations bring an empty database to a schema identical to the models."""

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from app.config import normalise_database_url
from app.extensions import db
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_database_url(backend, tmp_path, _dropped_later):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    url = sa.engine.make_url(normalise_database_url(TEST_DATABASE_URL))
    name = f"vanort_migr_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _dropped_later(admin, name)


def test_upgrade_to_head_matches_the_models(empty_database_url, tmp_path):
    app = create_app(
        {"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == []


def test_migrations_have_a_single_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app import ROOT

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_an_installation_that_sent_uids_keeps_them_and_a_new_one_gets_its_own(
    empty_database_url, tmp_path
):
    from flask_migrate import downgrade

    app = create_app(
        {
            "DATABASE_URL": empty_database_url,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
            "PUBLIC_BASE_URL": "https://planner.goteborg.example.org",
        }
    )
    with app.app_context():
        upgrade()
        fresh = db.session.execute(sa.text("SELECT uid_domain FROM installation")).scalar_one()
        assert fresh.endswith(".vanort") and "example.org" not in fresh
        db.session.rollback()
        downgrade(revision="0007")
        db.session.execute(
            sa.text(
                "INSERT INTO meeting_series (title_sv, title_en, description_sv, "
                "description_en, freq, interval, first_date, start_time, duration_minutes, "
                "timezone, in_host_timezone, venue, published, sequence, created_at, "
                "updated_at) VALUES ('Möte', 'Meeting', '', '', 'years', 2, '2030-06-10', "
                "'10:00:00', 60, 'Europe/Stockholm', false, 'Online', true, 0, "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        db.session.commit()
        upgrade()
        kept = db.session.execute(sa.text("SELECT uid_domain FROM installation")).scalar_one()
        db.session.rollback()
        db.engine.dispose()
    assert kept == "planner.goteborg.example.org"  # the host its UIDs were sent with


# --- every migration with data in the database, down to base and up again ------------

# Downgrades that drop rows on purpose: {revision downgraded: {table: which rows stay}}.
# 0010 brought delegates of one occurrence of a series; before it a delegate belonged to
# a one-off meeting, so going below it forgets the occurrences' delegates.
LOSSY_DOWNGRADES = {"0010": {"meeting_delegate": lambda row: row["meeting_id"] is not None}}


def _rows_the_demo_lacks() -> None:
    """Add a row to each table the demo data leaves empty, so that every table holds data."""
    from datetime import UTC, datetime

    tables = db.metadata.tables
    now = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    coordinator = db.session.scalar(sa.text("SELECT min(id) FROM coordinator"))
    series = db.session.scalar(sa.text("SELECT min(id) FROM meeting_series"))
    rows = {
        "outbox_mail": {
            "id": 1,
            "dedup_key": "migration-test:1",
            "to_addr": "skola@example.org",
            "subject": "Bekräftelse",
            "body_text": "Hej",
            "language": "sv",
            "ics": b"BEGIN",
            "status": "failed",
            "attempts": 3,
            "next_attempt_at": now,
            "last_error": "550",
            "failing_since": now,
            "created_at": now,
        },
        "scheduler_heartbeat": {"name": "scheduler", "beat_at": now, "pid": 42, "host": "web1"},
        "scheduler_lease": {
            "name": "scheduler",
            "holder": "web1:42",
            "acquired_at": now,
            "expires_at": now,
        },
        "feed_token": {
            "id": 1,
            "label": "Kansliet",
            "token_hash": "a" * 64,
            "hint": "abcd",
            "created_by_id": coordinator,
            "created_at": now,
        },
        "meeting_occurrence_document": {
            "id": 1,
            "series_id": series,
            "original_start": now,
            "name": "Dagordning.pdf",
            "file": "0123abcd.pdf",
            "size": 1234,
            "public": True,
            "created_at": now,
            "created_by_id": coordinator,
        },
        "reminder": {
            "id": 1,
            "key": "agreement-decision:1:10080",
            "rule": "agreement-decision",
            "object_key": "agreement:1",
            "recipient": "office@example.org",
            "offset_minutes": 10080,
            "title": "Beslut",
            "due_at": now,
            "event_at": now,
            "status": "queued",
            "reason": "",
            "mail_id": 1,
            "created_at": now,
        },
        "reminder_rule": {
            "key": "agreement-decision",
            "offsets": "7d",
            "enabled": False,
            "updated_at": now,
            "updated_by_id": coordinator,
        },
        "disposal_log": {
            "id": 1,
            "at": now,
            "kind": "school_contacts",
            "count": 3,
            "months": 12,
            "cutoff": now,
        },
        "retention_rule": {
            "kind": "school_contacts",
            "months": 18,
            "updated_at": now,
            "updated_by_id": coordinator,
        },
        "rate_limit": {"key": "LIMITER/login/1.2.3.4", "hits": 2, "expires_at": 1800000000.0},
    }
    for name, row in rows.items():
        table = tables[name]
        if db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0:
            db.session.execute(table.insert(), [row])
    _restart_sequences(db.session.connection(), list(rows))


def _restart_sequences(conn, names) -> None:
    """Let PostgreSQL's sequences hand out ids after those inserted by hand."""
    if conn.dialect.name != "postgresql":
        return
    for name in names:
        for column in sa.inspect(conn).get_pk_constraint(name)["constrained_columns"]:
            sequence = conn.scalar(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": name, "c": column}
            )
            if sequence:
                conn.execute(
                    sa.text(f'SELECT setval(:s, (SELECT max("{column}") FROM "{name}"))'),  # noqa: S608
                    {"s": sequence},
                )


def _snapshot(conn) -> dict[str, tuple[list[str], list[dict]]]:
    """Return every table's columns and rows (by primary key), as the schema stands."""
    metadata = sa.MetaData()
    metadata.reflect(conn)
    found = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        rows = [dict(r) for r in conn.execute(table.select().order_by(*order)).mappings()]
        found[table.name] = ([c.name for c in table.columns], rows)
    return found


def _project(rows: list[dict], columns: list[str]) -> list[dict]:
    return [{c: row[c] for c in columns} for row in rows]


def _changes(expected: list[dict], found: list[dict]) -> list:
    """Return what differs, row by row: (index, {column: (expected, found)}), or the counts."""
    if len(expected) != len(found):
        return [("rows", len(expected), len(found))]
    return [
        (i, {k: (a[k], b[k]) for k in a if a[k] != b[k]})
        for i, (a, b) in enumerate(zip(expected, found, strict=True))
        if a != b
    ]


def _revisions() -> list[str]:
    """Every revision from base to head."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app import ROOT

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return [
        s.revision for s in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))
    ]


def test_every_migration_keeps_the_data_down_to_base_and_up_again(empty_database_url, tmp_path):
    """The demo data at head goes down one revision at a time to base, each step keeping the
    rows of every table it keeps (but for LOSSY_DOWNGRADES); then up again one revision at a
    time, each table filled with its rows as they were at the revision that made it, and at
    head every row is back, with the schema still the models'."""
    from flask_migrate import downgrade

    from app.demo import seed

    app = create_app(
        {"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)}
    )
    revisions = _revisions()
    with app.app_context():
        upgrade()
        seed("goteborg")
        _rows_the_demo_lacks()
        db.session.commit()
        at = {revisions[-1]: _snapshot(db.session.connection())}
        db.session.rollback()

        # Down, one revision at a time, down to no table at all.
        for index in range(len(revisions) - 1, -1, -1):
            revision = revisions[index]
            below = revisions[index - 1] if index else "base"
            downgrade(revision=below)
            db.session.remove()
            with db.engine.connect() as conn:
                at[below] = _snapshot(conn)
            kept = LOSSY_DOWNGRADES.get(revision, {})
            for name, (columns, rows) in at[below].items():
                if name not in at[revision]:
                    continue  # made by this downgrade (none so far)
                before = [r for r in at[revision][name][1] if kept.get(name, bool)(r)]
                assert _changes(_project(before, columns), rows) == [], f"down {revision}: {name}"
        assert at["base"] == {}

        # Up, one revision at a time; each new table gets its rows as they were there.
        filled: dict[str, list[str]] = {}
        for revision in revisions:
            upgrade(revision=revision)
            db.session.remove()
            with db.engine.begin() as conn:
                now = _snapshot(conn)
                new = [n for n, (_, rows) in now.items() if not rows and at[revision][n][1]]
                for name in new:  # parents first: _snapshot lists tables in that order
                    columns, rows = at[revision][name]
                    table = sa.Table(name, sa.MetaData(), autoload_with=conn)  # typed
                    conn.execute(table.insert(), rows)
                    filled[name] = columns
                _restart_sequences(conn, new)

        with db.engine.connect() as conn:
            after = _snapshot(conn)
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        db.engine.dispose()
    head = at[revisions[-1]]
    assert set(after) == set(head)
    for name, (_, rows) in head.items():
        for kept in LOSSY_DOWNGRADES.values():  # what went on the way down stays gone
            rows = [r for r in rows if kept.get(name, bool)(r)]
        assert len(after[name][1]) == len(rows), name
        if name in filled:  # not the rows a migration makes itself (the installation's)
            expected, found = _project(rows, filled[name]), _project(after[name][1], filled[name])
            assert _changes(expected, found) == [], name
    assert diff == []
    # Last, so that the round trip above is checked all the same: a table added since
    # needs a row in _rows_the_demo_lacks() (or the demo data) for its migration to be
    # tried with data.
    assert [name for name, (_, rows) in head.items() if not rows] == []
