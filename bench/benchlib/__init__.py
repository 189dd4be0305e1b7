"""Shared parts of the bench scripts: the app on a scratch database, data, servers."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = (100, 1_000, 10_000)
PG_ADMIN_URL = os.environ.get(
    "BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_BENCH_DB = os.environ.get("BENCH_PG_DB", "vanort_bench")


def make_app(database_url: str, instance: Path, **config: object):
    """Build the app on `database_url` with an empty schema."""
    from app import create_app
    from app.extensions import db

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(instance),
            "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
            **config,
        }
    )
    from app import installation
    from app.calendar import version

    with app.app_context():
        db.drop_all()
        db.create_all()
        with db.engine.begin() as conn:  # the rows the migrations make
            installation.ensure(conn)
            version.ensure(conn)
    return app


def postgres_url() -> str | None:
    """Return the URL of a fresh bench database on PostgreSQL, or None without a server."""
    import sqlalchemy as sa

    try:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_BENCH_DB}
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{PG_BENCH_DB}"'))
        admin.dispose()
    except sa.exc.OperationalError:
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_BENCH_DB


def machine() -> str:
    """Describe the machine in one line."""
    cpus = os.cpu_count()
    return f"{platform.machine()}, {cpus} cores, Python {platform.python_version()}"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"
