"""The feeds' fast path (app/calendar/fastpath.py): a calendar app asking again for an
unchanged feed gets the 304 Flask would send, and anything else gets Flask's answer."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.test import EnvironBuilder

from app.calendar import fastpath, tokens
from app.calendar.models import FeedToken
from app.extensions import db
from tests.meetings.factories import make_meeting

# Headers that describe the body, which a 304 has not, or that only a server adds.
NOT_IN_A_304 = {"Content-Type", "Content-Length", "Date"}


def fast_path(app) -> fastpath.ConditionalFeeds:
    """Return the middleware in the app's WSGI chain (beneath ProxyFix, if any)."""
    layer = app.wsgi_app
    while not isinstance(layer, fastpath.ConditionalFeeds):
        layer = layer.app
    return layer


def answers_before_flask(app, path: str, **request) -> bool:
    """Tell whether the fast path would answer this request itself."""
    environ = EnvironBuilder(path=path, **request).get_environ()
    return fast_path(app).not_modified_headers(environ) is not None


@pytest.fixture
def partner_path(nordic):
    make_meeting(nordic["aarhus"], start_date=date(2027, 3, 3))
    db.session.commit()
    return f"/calendar/partners/{nordic['aarhus'].slug}.ics"


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"query_string": "lang=en"},
        {"headers": {"Accept-Language": "en-GB,en;q=0.8"}},
        {"query_string": "lang=sv&utm_source=x"},
        {"base_url": "https://planner.example.org"},  # HSTS
        {"if_modified_since": True},
    ],
)
def test_an_unchanged_feed_asked_again_gets_flasks_304_without_flask(
    app, client, partner_path, private_url, variant
):
    variant = dict(variant)
    only_the_date = variant.pop("if_modified_since", False)
    for path in ("/calendar.ics", "/calendar/meetings.ics", partner_path, private_url):
        full = client.get(path, **variant)
        assert full.status_code == 200
        conditional = (
            {"If-Modified-Since": full.headers["Last-Modified"]}
            if only_the_date
            else {"If-None-Match": full.headers["ETag"]}
        )
        asked = {**variant, "headers": {**variant.get("headers", {}), **conditional}}

        app.config["FEED_FAST_PATH"] = False
        from_flask = client.get(path, **asked)
        app.config["FEED_FAST_PATH"] = True
        assert answers_before_flask(app, path, **asked), path
        fast = client.get(path, **asked)

        assert from_flask.status_code == fast.status_code == 304
        assert fast.data == b""
        assert dict(fast.headers) == dict(from_flask.headers), path
        expected = {k: v for k, v in full.headers.items() if k not in NOT_IN_A_304}
        assert dict(fast.headers) == expected, path  # Last-Modified too, as the 200 had it


def test_a_change_committed_elsewhere_is_seen_by_the_very_next_request(app, client, nordic):
    assert app.config["FEED_VERSION_SECONDS"] == 0  # the tests' setting: read every time
    make_meeting(nordic["aarhus"], start_date=date(2027, 3, 3))
    db.session.commit()
    first = client.get("/calendar.ics")
    etag = {"If-None-Match": first.headers["ETag"]}
    assert client.get("/calendar.ics", headers=etag).status_code == 304

    make_meeting(nordic["bergen"], title_sv="Tillagt sedan", start_date=date(2027, 4, 4))
    db.session.commit()  # another connection, as another worker or host would
    assert not answers_before_flask(app, "/calendar.ics", headers=etag)
    again = client.get("/calendar.ics", headers=etag)
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assert b"Tillagt sedan" in again.data.replace(b"\r\n ", b"")
    # The new bytes are what the fast path answers for from now on.
    assert answers_before_flask(
        app, "/calendar.ics", headers={"If-None-Match": again.headers["ETag"]}
    )


def test_a_public_feeds_version_serves_a_second_then_a_change_is_seen(
    app, client, nordic, monkeypatch
):
    monkeypatch.setitem(app.config, "FEED_VERSION_SECONDS", 1.0)  # as installed by default
    monkeypatch.setattr(fast_path(app), "_public", None)  # nothing read by earlier tests
    clock = [1000.0]
    monkeypatch.setattr(fastpath.time, "monotonic", lambda: clock[0])
    make_meeting(nordic["aarhus"], start_date=date(2027, 3, 3))
    db.session.commit()
    first = client.get("/calendar.ics")
    etag = {"If-None-Match": first.headers["ETag"]}
    assert client.get("/calendar.ics", headers=etag).status_code == 304  # the version read

    make_meeting(nordic["bergen"], title_sv="Tillagt sedan", start_date=date(2027, 4, 4))
    db.session.commit()
    clock[0] += 0.5  # within the second: the version read before answers
    assert answers_before_flask(app, "/calendar.ics", headers=etag)
    clock[0] += 0.6  # past it: read again, and the change is seen
    assert not answers_before_flask(app, "/calendar.ics", headers=etag)
    again = client.get("/calendar.ics", headers=etag)
    assert again.status_code == 200 and b"Tillagt sedan" in again.data.replace(b"\r\n ", b"")


@pytest.mark.parametrize("seconds", [0, 1.0])
def test_a_revoked_token_gets_404_and_no_data_even_with_a_current_etag(
    app, client, private_url, seconds, monkeypatch
):
    # A public feed's version may serve a second; a private feed reads it every time.
    monkeypatch.setitem(app.config, "FEED_VERSION_SECONDS", seconds)
    monkeypatch.setattr(fast_path(app), "_public", None)
    monkeypatch.setattr(fastpath.time, "monotonic", lambda: 1000.0)
    assert client.get("/calendar.ics").status_code == 200
    full = client.get(private_url)
    etag = {"If-None-Match": full.headers["ETag"]}
    assert client.get(private_url, headers=etag).status_code == 304
    secret = private_url.removeprefix("/calendar/private/").removesuffix(".ics")
    stored = db.session.scalar(
        db.select(FeedToken).where(FeedToken.token_hash == tokens.digest(secret))
    )
    tokens.revoke(stored)
    db.session.commit()
    for asked in (
        etag,
        {"If-None-Match": "*"},
        {"If-Modified-Since": full.headers["Last-Modified"]},
    ):
        answer = client.get(private_url, headers=asked)
        assert answer.status_code == 404
        assert b"BEGIN:VCALENDAR" not in answer.data
    # Another token's address is the same feed, and still answered 304.
    _token, other = tokens.create_token("Another office", None)
    db.session.commit()
    assert client.get(f"/calendar/private/{other}.ics", headers=etag).status_code == 304


def test_what_the_fast_path_cannot_vouch_for_goes_to_flask(app, client, nordic):
    feed = client.get("/calendar.ics")
    etag = feed.headers["ETag"]
    # An unknown partner, even with `*`; a token never made.
    assert (
        client.get("/calendar/partners/nowhere.ics", headers={"If-None-Match": "*"}).status_code
        == 404
    )
    assert (
        client.get("/calendar/private/not-a-token.ics", headers={"If-None-Match": "*"}).status_code
        == 404
    )
    # Another tag, or another language than the one rendered: the full feed.
    assert client.get("/calendar.ics", headers={"If-None-Match": '"other"'}).status_code == 200
    assert not answers_before_flask(
        app, "/calendar.ics", query_string="lang=en", headers={"If-None-Match": etag}
    )
    # A NUL in the query string is refused as on every page.
    assert client.get("/calendar.ics?x=%00", headers={"If-None-Match": etag}).status_code == 400
    # A POST is never a 304.
    assert client.post("/calendar.ics", headers={"If-None-Match": etag}).status_code == 405
    # Rate limits on every address are counted by Flask-Limiter, in Flask.
    app.config["RATELIMIT_DEFAULT"] = "1000 per hour"
    assert not answers_before_flask(app, "/calendar.ics", headers={"If-None-Match": etag})


def test_behind_a_trusted_proxy_the_fast_304_knows_the_visitor_used_https(app):
    from app import create_app

    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1, "CHECK_DATABASE_ON_START": False})
    middleware = fast_path(proxied)
    flask_app, reached = middleware.wsgi_app, []

    def flask_counted(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return flask_app(environ, start_response)

    middleware.wsgi_app = flask_counted
    try:
        client = proxied.test_client()
        etag = client.get("/calendar.ics").headers["ETag"]
        assert reached == ["/calendar.ics"]
        forwarded = {"If-None-Match": etag, "X-Forwarded-Proto": "https"}
        answer = client.get("/calendar.ics", headers=forwarded)
        assert answer.status_code == 304
        assert reached == ["/calendar.ics"]  # answered in front of Flask
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
        assert (
            "Strict-Transport-Security"
            not in client.get("/calendar.ics", headers={"If-None-Match": etag}).headers
        )
    finally:
        fastpath.dispose(proxied)
        with proxied.app_context():
            db.engine.dispose()


def test_when_the_fast_path_cannot_reach_the_database_flask_answers(app, client, tmp_path):
    import os

    import sqlalchemy as sa

    etag = {"If-None-Match": client.get("/calendar.ics").headers["ETag"]}
    middleware = fast_path(app)
    kept = middleware._engine, middleware._pid
    unreachable = sa.create_engine(f"sqlite:///{tmp_path}/no/such/folder/x.db")
    middleware._engine, middleware._pid = unreachable, os.getpid()
    try:
        with pytest.raises(unreachable.dialect.loaded_dbapi.OperationalError):
            answers_before_flask(app, "/calendar.ics", headers=etag)
        assert client.get("/calendar.ics", headers=etag).status_code == 304  # from Flask
        assert client.get("/calendar.ics", headers={"If-None-Match": '"other"'}).status_code == 200
    finally:
        middleware._engine, middleware._pid = kept
        unreachable.dispose()


def test_a_head_request_is_answered_304_too(app, client):
    etag = client.get("/calendar.ics").headers["ETag"]
    assert answers_before_flask(
        app, "/calendar.ics", method="HEAD", headers={"If-None-Match": etag}
    )
    assert client.head("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
