"""Security headers: a strict CSP, no framing, no sniffing, HSTS over https, no caching of
private pages, session cookies that scripts and other sites cannot use."""

from __future__ import annotations

import re
from pathlib import Path

from app import ROOT
from app.exchanges.links import signup_path
from app.meetings.replies import reply_token
from app.security import content_security_policy
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import PASSWORD

XSS = "<script>alert(1)</script>"


def make_delegate():
    """A delegate of a coming one-off meeting (committed), with a reply link."""
    from app.extensions import db
    from app.meetings import services as meetings
    from tests.factories import make_partner
    from tests.meetings.factories import make_meeting

    meeting = make_meeting(make_partner())
    delegate = meetings.add_delegate(meeting, name="Delegate", email="delegate@example.org")
    db.session.commit()
    return delegate


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_every_page_sends_a_csp_without_unsafe_inline(client):
    for path in ("/", "/exchanges/", "/login", "/api/v1/partners", "/calendar.ics", "/nowhere"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        directives = _directives(policy)
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_logo_may_come_from_where_the_organisation_hosts_it():
    policy = content_security_policy({"ORG_LOGO_URL": "https://cdn.goteborg.se/logo.svg"})
    assert _directives(policy)["img-src"] == "'self' https://cdn.goteborg.se"


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://planner.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_workspace_pages_and_secret_links_are_never_stored(app, logged_in):
    exchange = make_exchange()
    signup = make_signup(exchange)
    delegate = make_delegate()
    for path in (
        "/admin/",
        f"/admin/exchanges/{exchange.id}",
        signup_path(signup),
        f"/meetings/replies/{reply_token(delegate)}",
    ):
        response = logged_in.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    visitor = app.test_client()
    assert "no-store" not in visitor.get("/partners/").headers.get("Cache-Control", "")


def test_a_coordinators_view_of_a_public_page_is_never_stored(app, logged_in):
    # The calendar shows a coordinator reminders and unpublished events: after logout the
    # browser's history must not show them again.
    for path in ("/calendar/", "/calendar/2026", "/partners/"):
        assert logged_in.get(path).headers["Cache-Control"] == "no-store", path
    visitor = app.test_client()
    assert "no-store" not in visitor.get("/calendar/").headers.get("Cache-Control", "")
    assert visitor.get("/calendar.ics").status_code == 200


def test_the_session_cookie_is_httponly_and_samesite_lax(client, coordinator):
    response = client.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in tests: a Secure cookie would not come back


def test_the_session_cookie_is_secure_when_the_site_is_served_over_https(app):
    from app import create_app

    secure_app = create_app(
        {
            **{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH")},
            "PUBLIC_BASE_URL": "https://planner.goteborg.se",
            "CHECK_DATABASE_ON_START": False,
        }
    )
    assert secure_app.config["SESSION_COOKIE_SECURE"] is True
    assert secure_app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert secure_app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert secure_app.config["PREFERRED_URL_SCHEME"] == "https"


def test_no_template_has_inline_script_style_or_handlers():
    """Pages only: mail templates keep inline styles, which mail programs need."""
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "/mail/" in str(path):
            continue
        text = path.read_text()
        for pattern in (
            r"\sstyle=",
            r"<style",
            r"<script(?![^>]*\ssrc=)",
            r"\son[a-z]+=",
            r"javascript:",
        ):
            if re.search(pattern, text, re.IGNORECASE):
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert found == []


def test_generated_svg_has_no_inline_style_or_script():
    for path in Path(ROOT / "app").rglob("*.py"):
        text = path.read_text()
        assert 'style=\\"' not in text and " style='" not in text, path


# --- must show: a school named <script>alert(1)</script> --------------------------------


def test_a_school_named_like_a_script_is_shown_as_text_under_a_csp_that_would_block_it(
    logged_in,
):
    exchange = make_exchange()
    signup = make_signup(exchange, school=XSS)
    pages = {
        "workspace": logged_in.get(f"/admin/exchanges/{exchange.id}"),
        "the school's own page": logged_in.get(signup_path(signup)),
    }
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 200, name
        assert XSS not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
        policy = _directives(response.headers["Content-Security-Policy"])
        assert policy["script-src"] == "'self'", name
