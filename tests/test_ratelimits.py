"""Limits on guessing passwords and on using the sign-up form as a mail relay, counted in
the database (or in Redis, when RATELIMIT_STORAGE_URI says redis://) so that they hold
across gunicorn's workers."""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
import sqlalchemy as sa

from app.exchanges.models import Signup
from app.extensions import db
from app.mail import OutboxMail
from app.ratelimit_storage import DatabaseStorage
from tests.exchanges.factories import make_exchange, signup_form
from tests.factories import PASSWORD, make_coordinator
from tests.servers import CSRF_RE, Gunicorn


@pytest.fixture
def limited(app):
    app.config["RATELIMIT_ENABLED"] = True
    return app


def _login(client, email, password, lang="en"):
    return client.post(f"/login?lang={lang}", data={"email": email, "password": password})


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(
    limited, client, coordinator
):
    for _ in range(5):
        assert _login(client, coordinator.email, "wrong guess number x").status_code == 401
    response = _login(client, coordinator.email, PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many attempts to log in" in html
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert client.get("/admin/").status_code == 302


def test_the_refusal_is_said_in_swedish_to_a_swedish_reader(limited, client, coordinator):
    for _ in range(5):
        _login(client, coordinator.email, "fel gissning", lang="sv")
    html = _login(client, coordinator.email, PASSWORD, lang="sv").get_data(as_text=True)
    assert "För många försök att logga in" in html
    assert '<html lang="sv"' in html


def test_letter_case_does_not_make_a_new_account_to_guess(limited, client, coordinator):
    for n in range(5):
        _login(client, coordinator.email.upper() if n % 2 else coordinator.email, "wrong one")
    assert _login(client, coordinator.email, PASSWORD).status_code == 429


def test_logging_in_clears_the_accounts_count(limited, client, auth, coordinator):
    for _ in range(4):
        _login(client, coordinator.email, "a typo in it")
    assert _login(client, coordinator.email, PASSWORD).status_code == 302
    auth.logout()
    for _ in range(4):
        assert _login(client, coordinator.email, "a typo in it").status_code == 401
    assert _login(client, coordinator.email, PASSWORD).status_code == 302


def test_another_logged_in_session_cannot_clear_an_accounts_count(
    limited, client, auth, coordinator
):
    victim = make_coordinator("victim@example.org", role="coordinator")
    assert auth.login(coordinator.email).status_code == 302  # the guesser's own session
    guesser = limited.test_client()
    for _ in range(4):
        assert _login(guesser, victim.email, "a guess at it").status_code == 401
    # Logged in, the login page answers 302 without looking at the password: it counts as
    # the fifth attempt and clears nothing, so the guesser's next one is refused.
    assert _login(client, victim.email, "anything at all").status_code == 302
    assert _login(guesser, victim.email, "a guess at it").status_code == 429
    assert _login(guesser, victim.email, "a guess at it").status_code == 429
    assert _login(guesser, victim.email, PASSWORD).status_code == 429


def test_one_visitor_trying_many_accounts_is_stopped(limited, client):
    statuses = [_login(client, f"guess{n}@example.org", "password").status_code for n in range(35)]
    assert statuses[:30] == [401] * 30
    assert set(statuses[30:]) == {429}


def test_a_window_that_has_passed_counts_from_nothing(limited, client, coordinator):
    limited.config["RATELIMIT_LOGIN_PER_ACCOUNT"] = "2 per 1 second"
    _login(client, coordinator.email, "wrong")
    _login(client, coordinator.email, "wrong")
    assert _login(client, coordinator.email, PASSWORD).status_code == 429
    time.sleep(1.1)
    assert _login(client, coordinator.email, PASSWORD).status_code == 302


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_signup_form_mails_one_address_only_a_few_times_an_hour(limited, client):
    exchange = make_exchange(places=500)
    victim = "someone.else@example.org"
    statuses = [
        client.post(
            f"/exchanges/{exchange.id}/signup?lang=en",
            data=signup_form(school=f"Spam {n}", students=1, contact_email=victim),
        ).status_code
        for n in range(5)
    ]
    assert 429 not in statuses[:3]
    assert statuses[3:] == [429, 429]
    assert _count(Signup) == 3
    mails = db.session.scalars(sa.select(OutboxMail.to_addr)).all()
    assert mails.count(victim) == 3
    refused = client.post(
        f"/exchanges/{exchange.id}/signup?lang=en",
        data=signup_form(school="Spam again", students=1, contact_email=victim.upper()),
    )
    assert "Too many sign-ups have been sent to this e-mail address" in refused.get_data(
        as_text=True
    )


def test_one_visitor_can_sign_up_only_so_many_groups_an_hour(limited, client):
    exchange = make_exchange(places=500)
    statuses = [
        client.post(
            f"/exchanges/{exchange.id}/signup",
            data=signup_form(school=f"Skola {n}", students=1, contact_email=f"s{n}@example.org"),
        ).status_code
        for n in range(12)
    ]
    assert statuses.count(429) == 2
    assert statuses[-2:] == [429, 429]
    assert _count(Signup) == 10


def test_limits_are_off_when_configured_so(app, client, coordinator):
    app.config["RATELIMIT_ENABLED"] = False
    for _ in range(8):
        _login(client, coordinator.email, "wrong guess")
    assert _login(client, coordinator.email, PASSWORD).status_code == 302


def test_a_429_from_the_api_is_json(app):
    from app.errors import error_response

    with app.test_request_context("/api/v1/partners?lang=en"):
        response, status = error_response(429)
        assert status == 429
        assert response.get_json()["error"]["title"] == "Too many requests"


# --- the storage ---------------------------------------------------------------------


def test_the_database_storage_counts_expires_and_clears(app):
    storage = DatabaseStorage("vanort-db://")
    assert storage.check()
    assert storage.get("k") == 0
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    assert time.time() < storage.get_expiry("k") <= time.time() + 60
    assert storage.incr("short", 0.2) == 1
    time.sleep(0.3)
    assert storage.get("short") == 0
    assert storage.incr("short", 60) == 1  # a lapsed window starts again
    assert storage.sweep() == 0  # the lapsed window was started again, nothing to remove
    storage.incr("gone", 0.1)
    time.sleep(0.2)
    assert storage.sweep() == 1
    storage.clear("k")
    assert storage.get("k") == 0


def test_concurrent_hits_are_all_counted(app):
    storage = DatabaseStorage("vanort-db://")

    def hit(_):
        with app.app_context():
            return storage.incr("race", 60)

    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(hit, range(40)))
    assert sorted(counts) == list(range(1, 41))


# --- real gunicorn, four workers -------------------------------------------------------


def _login_over_http(base: str, email: str, password: str) -> int:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(f"{base}/login", timeout=30) as response:
        token = CSRF_RE.search(response.read().decode()).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    try:
        with opener.open(
            urllib.request.Request(f"{base}/login", data=data.encode(), method="POST"),
            timeout=30,
        ) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def _guess_on_four_workers(server: Gunicorn) -> None:
    """Guess 24 passwords at once, then the right one: five are judged, the rest refused."""
    server.wait_until_up()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(
                lambda n: _login_over_http(server.url, "office@example.org", f"guess {n}"),
                range(24),
            )
        )
    assert statuses.count(401) == 5, statuses
    assert statuses.count(429) == 19, statuses
    assert _login_over_http(server.url, "office@example.org", PASSWORD) == 429
    pids = set(re.findall(r"Booting worker with pid: (\d+)", server.log.read_text()))
    assert len(pids) == 4


def test_the_login_limit_holds_across_gunicorns_workers(app, tmp_path):
    make_coordinator("office@example.org")
    server = Gunicorn(
        app.config["DATABASE_URL"], tmp_path, secret=app.config["SECRET_KEY"], rate_limits=True
    )
    try:
        _guess_on_four_workers(server)
    finally:
        server.stop()


# Another Redis for this test: TEST_REDIS_URL (as TEST_DATABASE_URL for PostgreSQL).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_keys():
    """A key prefix of the test's own on the local Redis; whatever it counted is removed.

    Skipped when no Redis answers, except under CI=true, where that fails the test.
    """
    in_ci = os.environ.get("CI") == "true"
    try:
        import redis
    except ImportError:
        if in_ci:
            pytest.fail("CI=true but the redis client is missing: install the test extra")
        pytest.skip("the redis client is not installed (pip install 'limits[redis]')")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        if in_ci:
            pytest.fail(f"CI=true but no Redis answers at {REDIS_URL}: {exc}")
        pytest.skip(f"no Redis answers at {REDIS_URL} ({exc}): the redis:// storage test skipped")
    prefix = f"vanort-test-{uuid.uuid4().hex}"
    try:
        yield client, prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_the_login_limit_holds_across_gunicorns_workers_with_redis_storage(
    app, tmp_path, redis_keys
):
    client, prefix = redis_keys
    make_coordinator("office@example.org")
    workdir = tmp_path / "redis"
    (workdir / "instance").mkdir(parents=True)
    # Flask-Limiter hands RATELIMIT_STORAGE_OPTIONS to the storage: here, the key prefix.
    (workdir / "instance" / "config.py").write_text(
        f"RATELIMIT_STORAGE_OPTIONS = {{'key_prefix': {prefix!r}}}\n", encoding="utf-8"
    )
    server = Gunicorn(
        app.config["DATABASE_URL"],
        workdir,
        secret=app.config["SECRET_KEY"],
        rate_limits=True,
        extra_env={"RATELIMIT_STORAGE_URI": REDIS_URL},
    )
    try:
        _guess_on_four_workers(server)
    finally:
        server.stop()
    counted = [key.decode() for key in client.scan_iter(match=f"{prefix}:*")]
    assert any("login-account" in key and "office@example.org" in key for key in counted)
    assert any("login-visitor" in key for key in counted)
    # Counted in Redis, not in the database's table.
    db.session.rollback()
    assert db.session.scalar(sa.text("SELECT count(*) FROM rate_limit")) == 0


NEW_PASSWORD = "a brand new passphrase 2026"


def _change_password(client, current, lang="en"):
    return client.post(
        f"/admin/account/password?lang={lang}",
        data={
            "current_password": current,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )


def test_a_session_may_not_guess_the_current_password_without_end(limited, logged_in, coordinator):
    for _ in range(5):
        assert _change_password(logged_in, "wrong guess number x").status_code == 422
    response = _change_password(logged_in, PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many wrong passwords" in html
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    sv = _change_password(logged_in, PASSWORD, lang="sv").get_data(as_text=True)
    assert "För många felaktiga lösenord" in sv
    db.session.expire_all()
    assert db.session.get(type(coordinator), coordinator.id).check_password(PASSWORD)


def test_a_changed_password_or_a_weak_new_one_does_not_use_up_the_guesses(
    limited, logged_in, coordinator
):
    for _ in range(6):  # the right current password, a refused new one: not a guess
        response = logged_in.post(
            "/admin/account/password?lang=en",
            data={"current_password": PASSWORD, "new_password": "x", "confirm": "x"},
        )
        assert response.status_code == 422
    for _ in range(4):
        _change_password(logged_in, "wrong guess")
    assert _change_password(logged_in, PASSWORD).status_code == 302
