"""Fixtures: the app on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set),
a real SMTP server, a live server in a thread and a real browser."""

from __future__ import annotations

import contextvars
import functools
import os
import shutil
import socket
import threading
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from app import create_app, installation
from app import models as _all_models  # noqa: F401  (the whole schema on the metadata)
from app.auth import models as auth_models
from app.calendar import fastpath
from app.calendar import version as data_version
from app.extensions import db
from tests.factories import PASSWORD

REAL_HASHING_TESTS = Path(__file__).parent / "auth"

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


# The longest modules run first, so that under pytest-xdist no worker is left with one of
# them at the end while the others have finished.
LONG_FIRST = (
    "e2e/",
    "exchanges/test_concurrency.py",
    "test_no_500.py",
    "test_fuzz.py",
    "test_scheduler.py",
)


def pytest_collection_modifyitems(items) -> None:
    tests = Path(__file__).parent

    def long(item) -> bool:
        return str(item.path.relative_to(tests)).startswith(LONG_FIRST)

    items.sort(key=lambda item: not long(item))  # stable: modules stay whole and in order


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@functools.cache
def worker_database_url() -> str:
    """Return the PostgreSQL test database of this pytest-xdist worker (created if need be).

    Under `pytest -n N` each worker builds and empties its own schema, so workers get
    databases of their own beside TEST_DATABASE_URL's; without xdist it is that database.
    """
    from app.config import normalise_database_url

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return TEST_DATABASE_URL
    base = sa.engine.make_url(normalise_database_url(TEST_DATABASE_URL))
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not found:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def base_config(tmp_path, backend: str) -> dict:
    url = f"sqlite:///{tmp_path / 'test.db'}" if backend == "sqlite" else worker_database_url()
    engine_options: dict = {"pool_pre_ping": True}
    if backend == "postgresql":
        # A commit need not wait for the disk: what a crash would lose is test data.
        options = "-c synchronous_commit=off"
        engine_options["connect_args"] = {"connect_timeout": 5, "options": options}
    return {
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": free_port(),  # nothing listens unless a test starts a server
        "SMTP_TIMEOUT": 5,
        "MAIL_FROM": "planner@example.org",
        "PUBLIC_BASE_URL": "http://planner.example.org",
        "DEFAULT_LANGUAGE": "sv",
        # Many tests sign up and log in from one address; tests/test_ratelimits.py turns the
        # limits on.
        "RATELIMIT_ENABLED": False,
        # Tests change the data and ask again at once: the feeds' fast path reads the
        # version for every request (tests/calendar/test_fastpath.py tests the second).
        "FEED_VERSION_SECONDS": 0,
    }


class SessionDatabase:
    """One backend's test database: the schema is built once, rows are removed per test.

    Building the app takes about 0.15 s (werkzeug compiles code for each of its 75 URL
    rules) and building the schema about as long, so each backend gets one app and one
    schema per session. Each test starts from empty tables whose ids restart at 1, as if
    the database were new. The migration tests make empty databases of their own;
    gunicorn's workers share this one.
    """

    def __init__(self, backend: str, folder) -> None:
        self.backend = backend
        self.config = base_config(folder, backend)
        self.app = create_app(self.config)
        # Adding routes or blueprints to an app that served requests fails loudly in Flask;
        # make it fail from the start, so that no test changes the shared app unnoticed.
        self.app._got_first_request = True
        # The installation's identity and the data version's row stay, as in production
        # (migrations store both once); the version gets a new epoch between tests.
        kept = ("installation", "data_version")
        self.tables = [t for t in db.metadata.sorted_tables if t.name not in kept]
        with self.app.app_context():
            if backend == "sqlite":
                db.create_all()
            else:
                with db.engine.begin() as conn:
                    conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                    conn.execute(sa.text("CREATE SCHEMA public"))
                    db.metadata.create_all(conn)
            with db.engine.begin() as conn:
                installation.ensure(conn)
                data_version.ensure(conn)
            self.sequences = {table.name: self._sequences(table) for table in self.tables}
            db.session.rollback()
            self._used_tables = self._used_tables_query()

    def _used_tables_query(self) -> sa.CompoundSelect:
        """Return one query giving the index of every table that has rows or handed out an id."""
        checks = []
        for index, table in enumerate(self.tables):
            used = sa.exists(sa.select(sa.literal_column("1")).select_from(table))
            for sequence in self.sequences[table.name]:
                schema, name = sequence.split(".")
                called = sa.select(sa.column("is_called")).select_from(
                    sa.table(name, schema=schema)
                )
                used = used | called.scalar_subquery()  # moved by any insert, even rolled back
            checks.append(sa.select(sa.literal_column(str(index))).where(used))
        return sa.union_all(*checks)

    def _sequences(self, table: sa.Table) -> list[str]:
        """Return the PostgreSQL sequences that hand out the table's ids."""
        if self.backend != "postgresql":
            return []  # SQLite hands out max(rowid) + 1 (no table is AUTOINCREMENT)
        names = (
            db.session.scalar(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            for column in table.primary_key.columns
        )
        return [name for name in names if name]

    def empty(self) -> None:
        """Remove the rows the previous test left and restart its ids.

        Only the tables it used are emptied. On PostgreSQL the rows are deleted and the
        tables vacuumed, which frees their pages to nothing (as TRUNCATE does, at a tenth
        of its cost: TRUNCATE gives each table new files), so rows are stored and read back
        (without ORDER BY) in the order a new database gives them; then the ids restart.
        SQLite's DELETE keeps that order, as its ids restart too.
        """
        if self.backend == "postgresql":
            self._empty_postgresql()
            return
        with db.engine.begin() as conn:
            used = [self.tables[index] for index in sorted(conn.scalars(self._used_tables))]
            for table in reversed(used):  # children before their parents
                conn.execute(table.delete())
            # A new epoch: no feed rendered for the previous test's data is served again.
            data_version.new_epoch(conn)

    def _empty_postgresql(self) -> None:
        # Autocommit: VACUUM cannot run in a transaction; each statement commits at once.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            used = [self.tables[index] for index in sorted(conn.scalars(self._used_tables))]
            for table in reversed(used):  # children before their parents
                conn.execute(table.delete())
            for table in used:
                for sequence in self.sequences[table.name]:
                    conn.execute(sa.text("SELECT setval(:s, 1, false)"), {"s": sequence})
            data_version.new_epoch(conn)
            if used:
                names = ", ".join(conn.dialect.identifier_preparer.format_table(t) for t in used)
                conn.execute(sa.text(f"VACUUM {names}"))

    def is_new(self) -> bool:
        """Tell whether no table has rows or handed out an id, in the current transaction."""
        return db.session.execute(self._used_tables).first() is None

    def snapshot(self) -> tuple[list, list]:
        """Return every row of every table (parents first) and where its ids have got to."""
        rows = [
            (table, [dict(row) for row in db.session.execute(table.select()).mappings()])
            for table in self.tables
        ]
        sequences = [
            (
                name,
                *db.session.execute(
                    sa.select(sa.column("last_value"), sa.column("is_called")).select_from(
                        sa.table(name.split(".")[1], schema=name.split(".")[0])
                    )
                ).one(),
            )
            for names in self.sequences.values()
            for name in names
        ]
        return rows, sequences

    def restore(self, snapshot) -> None:
        """Insert a snapshot's rows into the (new) database, as if made the same way."""
        rows, sequences = snapshot
        for table, table_rows in rows:
            if table_rows:
                db.session.execute(table.insert(), table_rows)
        for name, last_value, is_called in sequences:
            db.session.execute(
                sa.text("SELECT setval(:name, :value, :called)"),
                {"name": name, "value": last_value, "called": is_called},
            )

    def dispose(self) -> None:
        fastpath.dispose(self.app)  # the feeds' fast path keeps a pool of its own
        with self.app.app_context():
            db.engine.dispose()


_current_database: list[SessionDatabase] = []  # the database of the running test
_demo_snapshots: dict[tuple, tuple] = {}


def seed_demo(city: str) -> None:
    """`app.demo.seed(city)`, from a snapshot of what it gave before when the database is new.

    Seeding a city sends about 160 statements (0.4 s on PostgreSQL); many tests start
    from the Göteborg demo. Into a new database seed() always puts the same rows (for the
    same day and hour: it dates things from today), so the rows it put there the first
    time are inserted in one statement per table. Into a database with rows it seeds for
    real. Tests of the demo data itself call seed().
    """
    from app.demo import seed
    from app.partners.services import home_today
    from app.timeutil import utcnow

    database = _current_database[-1]
    if not database.is_new():
        seed(city)
        return
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    key = (database.backend, city, date.today(), home_today(), hour)
    if key in _demo_snapshots:
        database.restore(_demo_snapshots[key])
        return
    seed(city)
    _demo_snapshots[key] = database.snapshot()


@pytest.fixture(scope="session")
def _test_databases(tmp_path_factory):
    """Each backend's app and schema, built on first use and kept for the session."""
    databases: dict[str, SessionDatabase] = {}

    def get(backend: str) -> SessionDatabase:
        if backend not in databases:
            databases[backend] = SessionDatabase(backend, tmp_path_factory.mktemp(backend))
        return databases[backend]

    yield get
    for database in databases.values():
        database.dispose()


@pytest.fixture(scope="session")
def _dropped_later():
    """Drop databases (the migration tests') in the background, all gone by the session's end.

    DROP DATABASE waits for a checkpoint (3 s on a quiet machine, 10-15 s on a busy one)
    that the next tests need not wait for.
    """
    threads: list[threading.Thread] = []

    def drop(admin: sa.Engine, name: str) -> None:
        def run() -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        threads.append(thread)

    yield drop
    for thread in threads:
        thread.join(120)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(request, backend, tmp_path, _test_databases):
    """The application with an empty database, its app context pushed for the test.

    The application is shared by the tests of a session; what a test may change on it
    (configuration, template folders) is put back afterwards, and it gets its own
    instance folder and SMTP port.
    """
    database = _test_databases(backend)
    fresh = request.node.get_closest_marker("fresh_app") is not None
    application = create_app(database.config) if fresh else database.app
    config = dict(application.config)
    searchpath = list(application.jinja_loader.searchpath)
    instance = tmp_path / "instance"
    instance.mkdir()
    application.instance_path = application.config["INSTANCE_PATH"] = str(instance)
    application.config["SMTP_PORT"] = free_port()  # nothing listens unless a test starts one
    _current_database.append(database)
    try:
        with application.app_context():
            database.empty()
            yield application
            db.session.rollback()
            db.session.remove()
            if fresh:
                db.engine.dispose()
    finally:
        _current_database.pop()
        application.config.clear()
        application.config.update(config)
        application.instance_path = config["INSTANCE_PATH"]
        if application.jinja_loader.searchpath != searchpath:
            application.jinja_loader.searchpath[:] = searchpath
            application.jinja_env.cache.clear()


_real_generate_password_hash = auth_models.generate_password_hash
_real_check_password_hash = auth_models.check_password_hash


@functools.cache
def _generate_password_hash_once(password: str) -> str:
    return _real_generate_password_hash(password)


@functools.cache
def _check_password_hash_once(pwhash: str, password: str) -> bool:
    return _real_check_password_hash(pwhash, password)


@pytest.fixture(autouse=True)
def _password_hashes_remembered(request, monkeypatch):
    """Hash each password with scrypt once per session instead of once per account and login.

    A scrypt hash costs about as much as a whole test. The same real hash and result are
    reused (accounts with one password share its salt); tests/auth hashes every time.
    """
    if REAL_HASHING_TESTS in request.node.path.parents:
        return
    monkeypatch.setattr(auth_models, "generate_password_hash", _generate_password_hash_once)
    monkeypatch.setattr(auth_models, "check_password_hash", _check_password_hash_once)


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, as in production.

    The test keeps its own app context (for factories and queries); each request runs in
    an empty context so that it pushes a fresh one, with its own `g` and database
    session. Afterwards the test's session is rolled back, so it reads what the request
    committed.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.rollback()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def coordinator(app):
    from tests.factories import make_coordinator

    # The office's own account runs the installation: an administrator, as the demo's is.
    return make_coordinator("office@example.org", role="administrator")


@pytest.fixture
def logged_in(client, auth, coordinator):
    """A client logged in as a coordinator."""
    response = auth.login(coordinator.email)
    assert response.status_code == 302
    return client


# --- mail ----------------------------------------------------------------------------


class Inbox:
    """What a real SMTP server (aiosmtpd) received.

    Requests only queue mail; the scheduler's outbox job sends it within seconds. So that
    a test can read what a request caused, looking at the inbox first runs that job once
    (`deliver`, in a context of its own as in the scheduler process): what is queued and
    due goes out, over real SMTP, exactly as the job would send it.
    """

    def __init__(self, deliver=None) -> None:
        self._messages: list[EmailMessage] = []
        self.envelopes: list = []
        self._arrived = threading.Condition()
        self._deliver = deliver

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self._messages.append(msg)
            self.envelopes.append(envelope)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def _run_outbox_job(self) -> None:
        if self._deliver is not None:
            self._deliver()

    @property
    def messages(self) -> list[EmailMessage]:
        self._run_outbox_job()
        return self._messages

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        self._run_outbox_job()
        with self._arrived:
            self._arrived.wait_for(lambda: len(self._messages) >= count, timeout=timeout)
        return list(self._messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def run_outbox_job(app) -> None:
    """Deliver the queued mail that is due, as the scheduler's outbox job does."""
    from app.mail import deliver_due

    def job() -> None:
        with app.app_context():
            try:
                deliver_due(limit=10_000)
            finally:
                db.session.remove()

    contextvars.Context().run(job)


class _Handler:
    """aiosmtpd's handler: it looks over its handler's attributes, so it must not be the
    inbox (reading `Inbox.messages` runs the outbox job, which talks to this server)."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        return await self.inbox.handle_DATA(server, session, envelope)


class SMTPServer:
    def __init__(self, port: int, app=None) -> None:
        from aiosmtpd.controller import Controller

        self.port = port
        self.inbox = Inbox(functools.partial(run_outbox_job, app) if app is not None else None)
        self.controller = Controller(_Handler(self.inbox), hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp(app):
    """A real SMTP server on the port the app sends to; yields its inbox."""
    server = SMTPServer(app.config["SMTP_PORT"], app)
    server.start()
    try:
        yield server.inbox
    finally:
        server.stop()


@pytest.fixture
def smtp_server(app):
    """An SMTP server the test starts and stops itself (for outages)."""
    server = SMTPServer(app.config["SMTP_PORT"], app)
    yield server
    if server.controller._thread is not None:
        server.stop()


# --- live server and browser ---------------------------------------------------------


class LiveServer:
    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def live_server(app):
    """The app served over HTTP on 127.0.0.1 in a thread, with CSRF on as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped when absent, except under CI=true."""
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no chromium was found: install Debian's chromium package")
        pytest.skip("no Chromium found (apt-get install chromium) - browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


# Every page reports what its Content-Security-Policy blocked on the console, where the
# `page` fixture collects it: the browser tests fail on any inline script or style left.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def csp_violations():
    """The CSP violations (and the browser's own CSP errors) the test's pages reported."""
    return []


@pytest.fixture
def page(browser, request, csp_violations):
    context = browser.new_context(locale="sv-SE")
    context.add_init_script(script=REPORT_CSP_VIOLATIONS)
    pg = context.new_page()
    pg.set_default_timeout(10_000)

    def on_console(message) -> None:
        text = message.text
        if message.type == "error" and ("CSP violation" in text or "Content Security" in text):
            csp_violations.append(f"{pg.url}: {text}")

    pg.on("console", on_console)
    yield pg
    context.close()
    expected = request.node.get_closest_marker("csp_violations_expected") is not None
    if not expected:
        assert csp_violations == [], "the Content-Security-Policy blocked something"


class QueryCounter:
    """Counts the SQL statements the app sends while active."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.count = 0

    def _on_execute(self, *args, **kwargs) -> None:
        self.count += 1

    def __enter__(self):
        self.count = 0
        sa.event.listen(self.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._on_execute)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: ...; q.count` counts statements in between."""
    return lambda: QueryCounter(db.engine)
