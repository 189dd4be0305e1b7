"""The url map, walked: every workspace route refuses an anonymous visitor, and every
state-changing route (POST, PUT, PATCH, DELETE) refuses a request without a valid CSRF
token, with CSRF on as in production. A route added later is checked without anyone
remembering to list it; a new public form must be named here on purpose."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.conftest import seed_demo
from tests.e2e.pages import _fill, _samples
from tests.factories import PASSWORD

CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# State-changing routes outside /admin/ that a visitor may use without logging in: the
# login form itself, logging out, and the forms behind a school's or a delegate's signed
# link (the link is their key) or an exchange's public sign-up form.
PUBLIC_FORMS = {
    "auth.login",
    "auth.logout",
    "exchanges.signup",
    "exchanges.accept",
    "exchanges.cancel",
    "exchanges.change",
    "exchanges.rejoin",
    "meetings.reply_send",
}
# Public forms whose URL carries a signed token: a forged one opens nothing.
TOKEN_FORMS = {e for e in PUBLIC_FORMS if e.startswith(("exchanges.", "meetings.reply"))} - {
    "exchanges.signup"
}

# What a form might carry; the CSRF check must refuse it before any field is read.
FORM = {
    "title": "x",
    "title_sv": "x",
    "title_en": "x",
    "name": "x",
    "reason": "x",
    "label": "x",
    "email": "office@example.org",
    "password": PASSWORD,
    "answer": "yes",
    "school_name": "x",
    "contact_name": "x",
    "contact_email": "x@example.org",
    "students": "1",
    "teachers": "1",
}

IGNORED_TABLES = {"rate_limit", "data_version", "installation"}


def _routes(app, *, changing: bool):
    """Yield (rule, method, url) with the rule's arguments filled from the demo data."""
    samples = _samples()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        methods = (rule.methods & CHANGING) if changing else (rule.methods - {"HEAD", "OPTIONS"})
        if not methods:
            continue
        names = sorted(rule.arguments)
        values: dict[str, str] = {}
        if names:
            key = next(
                (k for k in (f"{rule.endpoint}:{names[0]}", "+".join(names)) if k in samples),
                None,
            )
            found = samples.get(key) or [{}]
            values = {n: found[0].get(n) or (samples.get(n) or [{n: "1"}])[0][n] for n in names}
        url = _fill(rule, values)
        for method in sorted(methods):
            yield rule, method, url


def _rows() -> dict[str, int]:
    db.session.rollback()
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in IGNORED_TABLES
    }


@pytest.fixture
def demo(app):
    seed_demo("goteborg")
    db.session.commit()


def test_every_workspace_route_sends_an_anonymous_visitor_to_login(app, client, demo):
    before = _rows()
    checked = set()
    for rule, method, url in _routes(app, changing=False):
        if not rule.rule.startswith("/admin"):
            continue
        response = client.open(url, method=method, data=FORM)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.headers["Location"].startswith("/login"), (method, url)
        checked.add(rule.endpoint)
    assert len(checked) > 60
    assert _rows() == before


def test_every_state_changing_route_outside_the_workspace_is_a_known_public_form(app):
    outside = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & CHANGING and not rule.rule.startswith("/admin")
    }
    assert outside == PUBLIC_FORMS, (
        "a new state-changing route outside /admin/: put it under /admin/ (coordinators "
        "only) or, if strangers must use it, add it to PUBLIC_FORMS on purpose"
    )


def test_a_public_form_behind_a_forged_link_opens_nothing(app, client, demo):
    before = _rows()
    for rule, method, _url in _routes(app, changing=True):
        if rule.endpoint not in TOKEN_FORMS:
            continue
        forged = _fill(rule, {"token": "forged-token"})
        response = client.open(forged, method=method, data=FORM)
        assert response.status_code in (400, 404), (method, forged, response.status_code)
    assert _rows() == before


@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_every_state_changing_route_refuses_a_request_without_a_valid_csrf_token(
    app, client, auth, coordinator, demo, who
):
    if who == "administrator":
        assert auth.login(coordinator.email).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    before = _rows()
    checked = 0
    for _rule, method, url in _routes(app, changing=True):
        for token in (None, "forged.csrf.token"):
            data = dict(FORM) if token is None else {**FORM, "csrf_token": token}
            response = client.open(url, method=method, data=data, query_string={"lang": "en"})
            assert response.status_code == 400, (who, method, url, token, response.status_code)
            assert "reload the page" in response.get_data(as_text=True), (method, url)
        checked += 1
    assert checked > 50
    assert _rows() == before
    if who == "administrator":
        app.config["WTF_CSRF_ENABLED"] = False
        assert client.get("/admin/").status_code == 200, "still logged in: nothing was posted"


# What an account holding a temporary password may still open (app/auth/permissions.py).
OPEN_WITH_A_TEMPORARY_PASSWORD = {"auth.change_password", "auth.logout", "static", "main.healthz"}
TEMPORARY = "lantern orchard thirty gulls"
OWN = "my own choice of seven words"


def _temporary_password_session(app):
    from tests.factories import make_coordinator

    account = make_coordinator("temporary@example.org", TEMPORARY, role="administrator")
    account.must_change_password = True
    db.session.commit()
    browser = app.test_client()
    login = browser.post("/login", data={"email": account.email, "password": TEMPORARY})
    assert login.status_code == 302
    return browser


def test_an_account_with_a_temporary_password_sees_nothing_but_the_password_page(app, demo):
    browser = _temporary_password_session(app)
    calendar_kinds = [
        "/calendar/2027?kind=agreement",
        "/calendar/?kind=agreement",
        "/calendar/?kind=grant",
        "/calendar/?kind=reminder",
        "/calendar/2027/3?kind=reminder",
    ]
    walked = [
        (rule.endpoint, url)
        for rule, method, url in _routes(app, changing=False)
        if method == "GET"
    ]
    checked = set()
    for endpoint, url in [*walked, *(("calendar", u) for u in calendar_kinds)]:
        if endpoint in OPEN_WITH_A_TEMPORARY_PASSWORD:
            continue
        response = browser.get(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response.headers["Location"].startswith("/admin/account/password"), url
        checked.add(endpoint)
    assert len(checked) > 100
    assert browser.get("/admin/account/password").status_code == 200
    assert browser.get("/healthz").status_code in (200, 503)


def test_after_the_forced_change_the_person_goes_on_to_the_page_first_asked_for(app, demo):
    browser = _temporary_password_session(app)
    asked = browser.get("/calendar/?kind=agreement&lang=en")
    assert asked.status_code == 302
    password_page = asked.headers["Location"]
    assert password_page.startswith("/admin/account/password?")
    changed = browser.post(
        password_page, data={"current_password": TEMPORARY, "new_password": OWN, "confirm": OWN}
    )
    assert changed.status_code == 302
    assert changed.headers["Location"] == "/calendar/?kind=agreement&lang=en"
    assert browser.get(changed.headers["Location"]).status_code == 200


def test_logging_in_with_a_temporary_password_leads_past_the_password_page_to_next(app, demo):
    from tests.factories import make_coordinator

    account = make_coordinator("temporary@example.org", TEMPORARY, role="coordinator")
    account.must_change_password = True
    db.session.commit()
    browser = app.test_client()
    login = browser.post(
        "/login?next=/calendar/?kind%3Dagreement",
        data={"email": account.email, "password": TEMPORARY},
    )
    assert login.status_code == 302
    assert (
        browser.get(login.headers["Location"])
        .headers["Location"]
        .startswith("/admin/account/password?next=")
    )
    # Already logged in, the login page itself leads to the password page, keeping next.
    again = browser.get("/login?next=/calendar/?kind%3Dagreement")
    assert again.status_code == 302
    password_page = again.headers["Location"]
    assert password_page.startswith("/admin/account/password?next=")
    changed = browser.post(
        password_page, data={"current_password": TEMPORARY, "new_password": OWN, "confirm": OWN}
    )
    assert changed.headers["Location"] == "/calendar/?kind=agreement"
    assert browser.get("/calendar/?kind=agreement").status_code == 200  # a coordinator now


def test_a_foreign_next_after_the_forced_change_leads_to_the_workspace(app, demo):
    browser = _temporary_password_session(app)
    changed = browser.post(
        "/admin/account/password?next=//evil.example/",
        data={"current_password": TEMPORARY, "new_password": OWN, "confirm": OWN},
    )
    assert changed.headers["Location"] == "/admin/"
