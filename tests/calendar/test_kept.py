"""`version.kept`: values made from what the data version counts, kept until it moves."""

from __future__ import annotations

from app.calendar import version
from app.extensions import db
from tests.factories import make_partner


def test_a_kept_value_is_built_again_only_after_a_committed_change(app):
    builds = []

    def build():
        builds.append(1)
        return len(builds)

    with app.app_context():
        assert version.kept("test", "k", build) == 1
        assert version.kept("test", "k", build) == 1  # kept
        assert version.kept("test", "other key", build) == 2

        partner = make_partner("Lyon")  # committed
        assert version.kept("test", "k", build) == 3
        partner.name = "Lyon (Métropole)"
        db.session.flush()
        # This session's own change is not yet counted: it builds afresh, keeps nothing.
        assert version.kept("test", "k", build) == 4
        db.session.rollback()
        assert version.kept("test", "k", build) == 3  # rolled back: nothing moved
        partner.name = "Lyon (Métropole)"
        db.session.commit()
        assert version.kept("test", "k", build) == 5  # committed: the version moved
        assert version.kept("test", "k", build) == 5


def test_the_version_is_read_once_per_transaction_and_again_after_it(app):
    from sqlalchemy import event

    from app import create_app
    from tests.conftest import _current_database

    with app.app_context():
        statements = []

        def seen(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            first = version.current()
            assert version.current() == first
            assert len([s for s in statements if "data_version" in s]) == 1
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)

        other = create_app(_current_database[-1].config)  # another worker commits a change
        with other.app_context():
            make_partner("Lyon")
            db.session.remove()
            db.engine.dispose()
        assert version.current() == first  # the same transaction: the version it began with
        db.session.rollback()
        assert version.current() != first  # the next transaction sees the change

        partner = make_partner("Turku")  # this session's own change, committed
        assert version.current() != first
        before = version.current()
        partner.name = "Åbo"
        db.session.flush()
        db.session.commit()
        assert version.current() != before


def test_a_new_epoch_moves_the_change_time_on_never_back(app):
    """A restore loads the archive's older change time: Last-Modified must not go back,
    or a calendar app asking If-Modified-Since keeps its copy from before the restore."""
    import time

    import sqlalchemy as sa

    from app.calendar.models import DataVersion

    with app.app_context():
        table = DataVersion.__table__
        ten_days_ago = time.time_ns() // 1_000_000 - 10 * 86_400_000
        with db.engine.begin() as conn:
            conn.execute(table.update().values(changed_at=ten_days_ago))
            version.new_epoch(conn)
            moved = conn.execute(sa.select(table.c.changed_at)).scalar_one()
        assert moved >= time.time_ns() // 1_000_000 - 60_000
        later = moved + 3_600_000  # a clock behind the stored time: a millisecond past it
        with db.engine.begin() as conn:
            conn.execute(table.update().values(changed_at=later))
            version.new_epoch(conn)
            assert conn.execute(sa.select(table.c.changed_at)).scalar_one() == later + 1
            conn.execute(table.update().values(changed_at=moved))  # no future for later tests
