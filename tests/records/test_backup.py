"""`flask backup` and `flask restore`: the demo data of both cities, with a signed PDF, goes
into an archive and back into a new database with nothing lost, and the restored site
serves the same pages and feeds."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from app import create_app
from app.config import normalise_database_url
from app.extensions import db
from tests.conftest import TEST_DATABASE_URL

PDF = b"%PDF-1.4\n% a signed agreement\n%%EOF\n"

PAGES = (
    "/?lang=en",
    "/partners/",
    "/partners/aarhus",
    "/partners/eurotowns",
    "/meetings/",
    "/exchanges/",
    "/calendar/",
    "/calendar.ics",
    "/calendar/meetings.ics",
    "/calendar/exchanges.ics",
    "/calendar/partners/aarhus.ics",
    "/api/v1/partners",
    "/api/v1/exchanges",
    "/api/v1/events",
    "/privacy",
)
CSRF = re.compile(rb'name="csrf_token" value="[^"]*"')
ADMIN_PAGES = ("/admin/", "/admin/exchanges/", "/admin/agreements/", "/admin/audit/")

# The schema revision a database reaches with `flask db upgrade`: the newest migration.
HEAD = ScriptDirectory(str(Path(__file__).parents[2] / "migrations")).get_current_head()


@pytest.fixture
def new_database(backend, tmp_path, _dropped_later):
    """Make empty databases, each brought to the newest schema by the migrations."""
    made = []

    def make(name: str):
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / f'{name}.db'}"
        else:
            base = sa.engine.make_url(normalise_database_url(TEST_DATABASE_URL))
            database = f"vanort_backup_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
            made.append((admin, database))
            url = base.set(database=database).render_as_string(hide_password=False)
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "backup-test",
                "INSTANCE_PATH": str(tmp_path / name),
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "PUBLIC_BASE_URL": "http://planner.example.org",
                "DEFAULT_LANGUAGE": "sv",
            }
        )
        with app.app_context():
            upgrade()
            db.session.remove()
        apps.append(app)
        return app

    apps: list = []
    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    for admin, database in made:
        _dropped_later(admin, database)


def seed_both_cities_with_a_document(app) -> None:
    from app.agreements.documents import attach_document
    from app.agreements.models import Agreement
    from app.boundary import unit_of_work
    from app.demo import seed

    with app.app_context():
        with unit_of_work():
            seed("goteborg")
            seed("molndal")
            agreement = db.session.scalars(sa.select(Agreement).order_by(Agreement.id)).first()
            attach_document(agreement, "signed.pdf", PDF, 10_000)
        db.session.remove()


def everything(app) -> tuple[dict, dict]:
    from app.records.backup import build_archive

    with app.app_context():
        archive = build_archive()
        db.session.remove()
    return archive["tables"], archive["documents"]


def pages(app) -> dict[str, tuple[int, bytes]]:
    client = app.test_client()
    seen = {path: client.get(path) for path in PAGES}
    from app.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD

    login = client.post(
        "/login", data={"email": DEMO_COORDINATOR_EMAIL, "password": DEMO_COORDINATOR_PASSWORD}
    )
    assert login.status_code == 302
    seen.update({path: client.get(path) for path in ADMIN_PAGES})
    # Only each session's own CSRF token may differ.
    return {
        path: (r.status_code, r.headers.get("ETag"), CSRF.sub(b"", r.data))
        for path, r in seen.items()
    }


def test_backup_and_restore_round_trip_the_demo_data_with_nothing_lost(new_database, tmp_path):
    source = new_database("source")
    seed_both_cities_with_a_document(source)
    archive_path = tmp_path / "archive.json"
    result = source.test_cli_runner().invoke(args=["backup", "--out", str(archive_path)])
    assert result.exit_code == 0, result.output
    archive = json.loads(archive_path.read_text())
    assert archive["format"] == "vanort-backup" and archive["format_version"] == 1
    assert archive["alembic_revision"] == HEAD
    assert len(archive["documents"]) == 1

    target = new_database("target")
    result = target.test_cli_runner().invoke(args=["restore", str(archive_path)])
    assert result.exit_code == 0, result.output

    tables, documents = everything(source)
    restored_tables, restored_documents = everything(target)
    assert {name: len(rows) for name, rows in tables.items()}["signup"] > 0
    for name, rows in tables.items():
        if name != "data_version":
            assert restored_tables[name] == rows, name
    # The data version starts afresh: running workers keep pages and feeds by version, and
    # the source's version numbers named other data (e.g. changes made after the backup).
    assert restored_tables["data_version"][0]["epoch"] != tables["data_version"][0]["epoch"]
    assert restored_documents == documents

    before, after = pages(source), pages(target)
    for path in before:
        assert before[path][0] == 200, path
        assert after[path] == before[path], path
    # The signed PDF is served from the restored instance folder.
    client = target.test_client()
    client.post("/login", data={"email": "coordinator@example.org", "password": "vanort-demo"})
    with target.app_context():
        from app.agreements.models import Agreement

        agreement_id = db.session.scalar(
            sa.select(Agreement.id).where(Agreement.document_file != "")
        )
        db.session.remove()
    download = [
        r.rule
        for r in target.url_map.iter_rules()
        if "agreements" in r.rule and "document" in r.rule
    ]
    assert download
    response = client.get(re.sub(r"<(?:int:)?\w+>", str(agreement_id), download[0]))
    body = response.data
    response.close()
    assert body == PDF


def test_the_restored_database_takes_new_rows_after_the_restored_ids(new_database, tmp_path):
    source = new_database("source")
    seed_both_cities_with_a_document(source)
    archive_path = tmp_path / "archive.json"
    source.test_cli_runner().invoke(args=["backup", "--out", str(archive_path)])
    target = new_database("target")
    target.test_cli_runner().invoke(args=["restore", str(archive_path)])
    from app.partners.models import Partner
    from tests.factories import make_partner

    with target.app_context():
        largest = db.session.scalar(sa.select(sa.func.max(Partner.id)))
        partner = make_partner("Reykjavík")
        db.session.commit()
        assert partner.id == largest + 1
        db.session.remove()


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(new_database, tmp_path):
    source = new_database("source")
    seed_both_cities_with_a_document(source)
    archive_path = tmp_path / "archive.json"
    source.test_cli_runner().invoke(args=["backup", "--out", str(archive_path)])
    tables, _ = everything(source)
    result = source.test_cli_runner().invoke(args=["restore", str(archive_path)])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert everything(source)[0] == tables


def test_restore_refuses_an_archive_of_another_schema_revision(new_database, tmp_path):
    source = new_database("source")
    seed_both_cities_with_a_document(source)
    archive_path = tmp_path / "archive.json"
    source.test_cli_runner().invoke(args=["backup", "--out", str(archive_path)])
    archive = json.loads(archive_path.read_text())
    archive["alembic_revision"] = "0017"
    archive_path.write_text(json.dumps(archive))
    target = new_database("target")
    result = target.test_cli_runner().invoke(args=["restore", str(archive_path)])
    assert result.exit_code != 0
    assert "'0017'" in result.output and f"'{HEAD}'" in result.output
    with target.app_context():
        from app.partners.models import Partner

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Partner)) == 0
        db.session.remove()


def test_restore_refuses_a_file_that_is_not_an_archive(new_database, tmp_path):
    target = new_database("target")
    path = tmp_path / "other.json"
    path.write_text('{"hello": "world"}')
    result = target.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code != 0
    assert "not a Vänort backup archive" in result.output


@pytest.mark.parametrize(
    "damage",
    [
        "a row twice",
        "a date that is no date",
        "an id that is no number",
        "a column the schema lacks",
        "documents as a list",
        "a table as text",
        "a document that is not base64",
    ],
)
def test_a_damaged_archive_is_refused_with_a_message_and_restores_nothing(
    new_database, tmp_path, damage
):
    source = new_database("source")
    seed_both_cities_with_a_document(source)
    archive_path = tmp_path / "archive.json"
    source.test_cli_runner().invoke(args=["backup", "--out", str(archive_path)])
    archive = json.loads(archive_path.read_text())
    partners = archive["tables"]["partner"]
    if damage == "a row twice":
        partners.append(dict(partners[0]))
    elif damage == "a date that is no date":
        partners[0]["created_at"] = "not-a-date"
    elif damage == "an id that is no number":
        partners[0]["id"] = "abc"
    elif damage == "a column the schema lacks":
        partners[0]["favourite_colour"] = "blue"
    elif damage == "documents as a list":
        archive["documents"] = ["x"]
    elif damage == "a table as text":
        archive["tables"]["partner"] = "x"
    else:
        name = next(iter(archive["documents"]))
        archive["documents"][name]["data"] = "%%% not base64 %%%"
    archive_path.write_text(json.dumps(archive))
    target = new_database("target")
    result = target.test_cli_runner().invoke(args=["restore", str(archive_path)])
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception  # a message, no traceback
    assert "Error:" in result.output and "archive" in result.output
    with target.app_context():
        from app.partners.models import Partner

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Partner)) == 0
        db.session.remove()


def test_rate_limit_counters_are_not_backed_up_and_do_not_block_a_restore(new_database, tmp_path):
    from app.ratelimit_storage import RateLimitCounter

    source = new_database("source")
    seed_both_cities_with_a_document(source)
    with source.app_context():
        db.session.add(
            RateLimitCounter(key="LIMITER/mail/skola@example.org", hits=1, expires_at=9e9)
        )
        db.session.commit()
        db.session.remove()
    archive_path = tmp_path / "archive.json"
    source.test_cli_runner().invoke(args=["backup", "--out", str(archive_path)])
    assert "skola@example.org" not in archive_path.read_text()
    target = new_database("target")
    with target.app_context():  # a failed login on the new database before the restore
        db.session.add(RateLimitCounter(key="LIMITER/login/1.2.3.4", hits=1, expires_at=9e9))
        db.session.commit()
        db.session.remove()
    result = target.test_cli_runner().invoke(args=["restore", str(archive_path)])
    assert result.exit_code == 0, result.output
