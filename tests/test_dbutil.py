import sqlite3

import pytest
import sqlalchemy as sa

from app.dbutil import begin_write_transaction, in_values, lock_for_update
from app.extensions import db
from app.partners.models import Partner
from tests.factories import make_partner


def test_write_transaction_holds_the_sqlite_write_lock_until_commit(app, backend):
    if backend != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    begin_write_transaction()
    other = sqlite3.connect(db.engine.url.database, timeout=0.2, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        db.session.commit()
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_lock_for_update_returns_fresh_row(app):
    partner = make_partner("Bergen")
    begin_write_transaction()
    locked = lock_for_update(Partner, partner.id)
    assert locked.name == "Bergen"
    db.session.commit()


def test_write_transaction_keeps_work_already_done_in_a_writer(app, backend):
    """Calling it twice must not commit what the first transaction has flushed."""
    begin_write_transaction()
    make = Partner(name="Pending", slug="pending", kind="partner_city")
    db.session.add(make)
    db.session.flush()
    begin_write_transaction()
    db.session.rollback()
    assert db.session.scalar(sa.select(Partner).where(Partner.slug == "pending")) is None


def test_in_values_finds_the_listed_rows_among_thousands_of_values_in_one_statement(app):
    bergen, turku = make_partner("Bergen", slug="bergen"), make_partner("Åbo", slug="turku")
    make_partner("Århus", slug="aarhus")
    ids = {bergen.id, turku.id}
    wanted = [f"nobody-{n}" for n in range(40_000)] + ["turku", "bergen"]
    statements = []

    def seen(*_args) -> None:
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        found = db.session.scalars(sa.select(Partner.id).where(in_values(Partner.slug, wanted)))
        assert set(found) == ids
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert len(statements) == 1
