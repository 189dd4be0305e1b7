"""No double booking: a real multi-process server takes a burst of simultaneous sign-ups."""

from __future__ import annotations

import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookiejar import CookieJar

import pytest
import sqlalchemy as sa

from app.csvutil import read_excel_csv
from app.exchanges import models as m
from app.extensions import db
from app.timeutil import utcnow
from tests.exchanges.factories import make_exchange
from tests.servers import CSRF_RE, STATUS_RE, Gunicorn, sign_up_over_http

SIGNUPS = 120
# The mail burst: sign-ups beside the changes and cancellations, every one mailing after
# its commit. Fewer than SIGNUPS (the overbooking burst) still keep every worker thread
# busy at once; what it checks is that each mail arrives exactly once.
MAIL_SIGNUPS = 64
PLACES = 30
LEFT_RE = re.compile(r'data-places-left="(\d+)"')


@pytest.fixture(scope="module")
def _servers(tmp_path_factory):
    """Each database's gunicorn, started on first use and shared by the module's tests."""
    started: dict[str, Gunicorn] = {}

    def get(app) -> Gunicorn:
        url = app.config["DATABASE_URL"]
        if url not in started or not started[url].running():
            started[url] = Gunicorn(
                url, tmp_path_factory.mktemp("gunicorn"), secret=app.config["SECRET_KEY"]
            )
            started[url].wait_until_up()
        return started[url]

    try:
        yield get
    finally:
        for gunicorn in started.values():
            gunicorn.stop()


@pytest.fixture
def server(app, _servers):
    """The real server on the test's database; the app (and `smtp`) mail to its SMTP port.

    Between tests it keeps running: emptying the tables needs no more than its idle
    connections allow (they hold no locks).
    """
    db.session.commit()
    gunicorn = _servers(app)
    app.config["SMTP_PORT"] = gunicorn.smtp_port  # put back by the app fixture
    return gunicorn


def test_simultaneous_signups_never_overbook(app, server, logged_in):
    exchange = make_exchange(places=PLACES)
    exchange_id = exchange.id
    db.session.commit()
    rng = random.Random(20261124)
    sizes = [rng.randint(1, 4) for _ in range(SIGNUPS)]
    barrier = threading.Barrier(SIGNUPS)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=SIGNUPS) as pool:
        results = list(
            pool.map(
                lambda i: sign_up_over_http(server.url, exchange_id, i, sizes[i], barrier),
                range(SIGNUPS),
            )
        )
    assert time.monotonic() - started < 60

    statuses = {}
    for n, _pupils, code, body in results:
        found = STATUS_RE.search(body)
        assert code == 200 and found, f"sign-up {n} answered {code}: {body[:500]}"
        statuses[n] = found.group(1)
    assert set(statuses.values()) <= {"confirmed", "waitlisted"}
    answered_confirmed = sum(sizes[n] for n, s in statuses.items() if s == "confirmed")

    db_confirmed = db.session.scalar(
        sa.select(sa.func.sum(m.Signup.pupils)).where(
            m.Signup.exchange_id == exchange_id, m.Signup.status == m.CONFIRMED
        )
    )
    rows = db.session.scalar(
        sa.select(sa.func.count()).select_from(m.Signup).where(m.Signup.exchange_id == exchange_id)
    )
    assert rows == SIGNUPS
    assert db_confirmed == answered_confirmed
    assert db_confirmed <= PLACES
    # Every waiting group was too big for what was left when its turn came.
    smallest_waiting = min(sizes[n] for n, s in statuses.items() if s == "waitlisted")
    assert PLACES - db_confirmed < smallest_waiting

    with urllib.request.urlopen(f"{server.url}/exchanges/{exchange_id}", timeout=30) as r:
        page_left = int(LEFT_RE.search(r.read().decode()).group(1))
    assert page_left == PLACES - db_confirmed

    csv_rows = read_excel_csv(
        logged_in.get(f"/admin/exchanges/{exchange_id}/participants.csv?lang=sv").data
    )
    header, body = csv_rows[0], csv_rows[1:]
    pupils_col, status_col = header.index("Elever"), header.index("Status")
    csv_confirmed = sum(int(r[pupils_col]) for r in body if r[status_col] == "Bekräftad")
    assert csv_confirmed == db_confirmed
    assert len(body) == SIGNUPS


CHANGERS = 15
CANCELLERS = 15


def _school_link(base: str, path: str, action: str, data: dict, barrier: threading.Barrier):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(f"{base}{path}", timeout=60) as response:
        token = CSRF_RE.search(response.read().decode()).group(1)
    body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
    barrier.wait(timeout=60)
    try:
        with opener.open(f"{base}{path}/{action}", data=body, timeout=60) as r:
            return action, r.status
    except urllib.error.HTTPError as err:
        return action, err.code


def test_signups_changes_and_cancellations_together_deliver_every_mail_once(app, server, smtp):
    """Sign-ups, changes and cancellations at once, each queueing its mail: the
    SMTP server receives every mail exactly once, and no place is double-booked."""
    from app.exchanges import links
    from app.mail import QUEUED, SENDING, OutboxMail, deliver_due
    from tests.exchanges.factories import make_signup

    places = 2 * PLACES
    exchange = make_exchange(places=places)
    exchange_id = exchange.id
    existing = [  # changers go from 2 pupils to 1, which always fits
        make_signup(
            exchange, school=f"Befintlig {i}", pupils=2 - (i >= CHANGERS), email=f"h{i}@example.org"
        )
        for i in range(CHANGERS + CANCELLERS)
    ]
    paths = [links.signup_path(s) for s in existing]
    db.session.commit()
    assert app.config["SMTP_PORT"] == server.smtp_port  # `smtp` listens where gunicorn mails
    try:
        rng = random.Random(20261130)
        sizes = [rng.randint(1, 4) for _ in range(MAIL_SIGNUPS)]
        jobs = [
            lambda i=i, b=None: sign_up_over_http(server.url, exchange_id, i, sizes[i], b)
            for i in range(MAIL_SIGNUPS)
        ]
        jobs += [
            lambda p=p, b=None: _school_link(
                server.url, p, "change", {"students": "1", "teachers": "1"}, b
            )
            for p in paths[:CHANGERS]
        ]
        jobs += [
            lambda p=p, b=None: _school_link(server.url, p, "cancel", {}, b)
            for p in paths[CHANGERS:]
        ]
        barrier = threading.Barrier(len(jobs))
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            results = list(pool.map(lambda job: job(b=barrier), jobs))
    finally:
        # A graceful stop: every request has committed before the outbox job below runs.
        server.stop()

    answers = [r[2] if len(r) == 4 else r[1] for r in results]
    assert [(i, c) for i, c in enumerate(answers) if c != 200] == []
    db.session.rollback()
    for _ in range(5):  # the scheduler's outbox job, as it runs after the requests
        deliver_due(now=utcnow() + timedelta(hours=2))
    left = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMail)
        .where(OutboxMail.status.in_((QUEUED, SENDING)))
    )
    assert left == 0
    sent = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))
    smtp.wait_for(sent, timeout=30)
    time.sleep(1)  # a duplicate would arrive after the last first copy
    arrived = Counter(str(msg["Message-ID"]) for msg in smtp.messages)
    assert [mid for mid, n in arrived.items() if n > 1] == []
    assert len(arrived) == sent
    held = db.session.scalar(
        sa.select(sa.func.sum(m.Signup.pupils)).where(
            m.Signup.exchange_id == exchange_id, m.Signup.status.in_(m.HOLDING)
        )
    )
    assert held <= places
