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
