"""Fixtures: the app on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set),
a real SMTP server, a live server in a thread and a real browser."""

from __future__ import annotations

import contextvars
import os
import shutil
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from app import create_app
from app import models as _all_models  # noqa: F401  (the whole schema on the metadata)
from app.extensions import db
from tests.factories import PASSWORD

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_config(tmp_path, backend: str) -> dict:
    url = f"sqlite:///{tmp_path / 'test.db'}" if backend == "sqlite" else TEST_DATABASE_URL
    return {
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
    }


@pytest.fixture(scope="session")
def _postgres_schema():
    """Create the schema once per session on the PostgreSQL test database."""
    if not TEST_DATABASE_URL:
        yield
        return
    engine = sa.create_engine(create_app_url(TEST_DATABASE_URL))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
        db.metadata.create_all(conn)
    engine.dispose()
    yield


def create_app_url(url: str) -> str:
    from app.config import normalise_database_url

    return normalise_database_url(url)


def _truncate_postgres() -> None:
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, tmp_path, _postgres_schema):
    """The application with an empty database, its app context pushed for the test."""
    application = create_app(base_config(tmp_path, backend))
    with application.app_context():
        if backend == "sqlite":
            db.create_all()
        else:
            _truncate_postgres()
        yield application
        db.session.rollback()
        if backend == "postgresql":
            _truncate_postgres()
        db.session.remove()
        db.engine.dispose()


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

    return make_coordinator("office@example.org")


@pytest.fixture
def logged_in(client, auth, coordinator):
    """A client logged in as a coordinator."""
    response = auth.login(coordinator.email)
    assert response.status_code == 302
    return client


# --- mail ----------------------------------------------------------------------------


class Inbox:
    """What a real SMTP server (aiosmtpd) received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(msg)
            self.envelopes.append(envelope)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


class SMTPServer:
    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.port = port
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp(app):
    """A real SMTP server on the port the app sends to; yields its inbox."""
    server = SMTPServer(app.config["SMTP_PORT"])
    server.start()
    try:
        yield server.inbox
    finally:
        server.stop()


@pytest.fixture
def smtp_server(app):
    """An SMTP server the test starts and stops itself (for outages)."""
    server = SMTPServer(app.config["SMTP_PORT"])
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


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


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
