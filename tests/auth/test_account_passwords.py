"""An administrator sets a new password for a colleague who forgot theirs, on
/admin/accounts/<id>/password: the password rules hold, every session of the account ends,
the audit log says so without the password."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.audit import AuditEntry
from app.auth.services import find_coordinator
from app.extensions import db
from tests.factories import PASSWORD, make_coordinator

TEMPORARY = "lantern orchard thirty gulls"
NEW_OWN = "my own choice of seven words"


def _login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def _account(email):
    db.session.expire_all()
    return find_coordinator(email)


def _set(client, account_id, password=TEMPORARY, confirm=None, lang="en", must_change=False):
    data = {"new_password": password, "confirm": password if confirm is None else confirm}
    if must_change:
        data["must_change"] = "y"
    return client.post(f"/admin/accounts/{account_id}/password?lang={lang}", data=data)


def _colleague_logged_in(app):
    colleague = make_coordinator("forgetful@example.org", role="coordinator")
    browser = app.test_client()
    assert _login(browser, colleague.email).status_code == 302
    assert browser.get("/admin/").status_code == 200
    return colleague, browser


def test_the_accounts_page_offers_a_new_password_for_others_and_the_password_page_for_oneself(
    client, logged_in
):
    colleague = make_coordinator("forgetful@example.org", role="coordinator")
    page = client.get("/admin/accounts/?lang=en").get_data(as_text=True)
    assert f'href="/admin/accounts/{colleague.id}/password?lang=en"' in page
    assert 'href="/admin/account/password?lang=en"' in page  # one's own: with the current password
    form = client.get(f"/admin/accounts/{colleague.id}/password?lang=sv")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "Nytt lösenord för forgetful@example.org" in html
    assert 'autocomplete="new-password"' in html


def test_a_new_password_ends_every_session_of_the_account_and_logs_in(
    app, client, logged_in, coordinator
):
    colleague, browser = _colleague_logged_in(app)
    copied = app.test_client()  # a second device holding the same session cookie
    copied.set_cookie("session", browser.get_cookie("session").value)
    assert copied.get("/admin/").status_code == 200

    response = _set(client, colleague.id)
    assert response.status_code == 302
    listing = client.get("/admin/accounts/?lang=en").get_data(as_text=True)
    assert "forgetful@example.org has a new password and has been logged out everywhere" in listing

    for old_session in (browser, copied):
        answer = old_session.get("/admin/")
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert _login(app.test_client(), colleague.email, PASSWORD).status_code == 401
    fresh = app.test_client()
    assert _login(fresh, colleague.email, TEMPORARY).status_code == 302
    assert fresh.get("/admin/").status_code == 200
    # The administrator stays logged in.
    assert client.get("/admin/accounts/").status_code == 200


def test_the_audit_log_says_who_set_a_new_password_without_the_password(client, logged_in):
    colleague = make_coordinator("forgetful@example.org", role="coordinator")
    assert _set(client, colleague.id).status_code == 302
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Coordinator")
    ).one()
    assert entry.action == "update"
    assert entry.actor_email == "office@example.org"
    assert "New password set for account forgetful@example.org" in entry.summary
    assert entry.after_values["session_version"] == entry.before_values["session_version"] + 1
    hash_now = _account(colleague.email).password_hash
    for column in sa.inspect(AuditEntry).columns:
        stored = str(getattr(entry, column.key) or "")
        assert TEMPORARY not in stored and PASSWORD not in stored, column.key
        assert hash_now not in stored and "password_hash" not in stored, column.key
    log = client.get("/admin/audit/?lang=sv").get_data(as_text=True)
    assert "forgetful@example.org" in log


def test_the_audit_log_names_the_temporary_password_field_in_the_readers_language(
    client, logged_in
):
    colleague = make_coordinator("forgetful@example.org", role="coordinator")
    assert _set(client, colleague.id, must_change=True).status_code == 302
    for lang, label in (
        ("sv", "Måste välja ett nytt lösenord vid nästa inloggning"),
        ("en", "Must choose a new password at the next login"),
    ):
        log = client.get(f"/admin/audit/?lang={lang}").get_data(as_text=True)
        assert label in log, lang
        assert "must_change_password" not in log, lang


def test_a_weak_password_brings_the_form_back_with_the_reason_in_the_readers_language(
    app, client, logged_in
):
    colleague, browser = _colleague_logged_in(app)
    cases = [
        ("en", "password1234", None, "among the most common"),
        ("sv", "password1234", None, "ett av de vanligaste"),
        ("en", "short", None, "at least 12 characters"),
        ("sv", "short", None, "minst 12 tecken"),
        ("en", "forgetful@example.org", None, "must not be the account&#39;s e-mail address"),
        ("sv", "forgetful@example.org", None, "får inte vara kontots e-postadress"),
        ("en", TEMPORARY, "something else entirely", "The two new passwords differ"),
        ("en", "", None, "Enter a password"),
    ]
    for lang, password, confirm, said in cases:
        response = _set(client, colleague.id, password, confirm, lang=lang)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, (lang, password)
        assert said in html, (lang, password)
        assert f'<html lang="{lang}"' in html
        assert 'class="error-summary"' in html
    account = _account(colleague.email)
    assert account.check_password(PASSWORD) and account.session_version == 1
    assert browser.get("/admin/").status_code == 200  # the colleague's session goes on
    assert not db.session.scalars(sa.select(AuditEntry)).all()


def test_an_administrator_changes_their_own_password_only_with_the_current_one(
    client, logged_in, coordinator
):
    page = client.get(f"/admin/accounts/{coordinator.id}/password?lang=en")
    assert page.status_code == 200
    assert 'href="/admin/account/password?lang=en"' in page.get_data(as_text=True)
    response = _set(client, coordinator.id)
    assert response.status_code == 422
    assert "Change your own password on the password page" in response.get_data(as_text=True)
    assert _account(coordinator.email).check_password(PASSWORD)
    assert client.get("/admin/accounts/").status_code == 200


def test_a_plain_coordinator_cannot_set_anyones_password(app, client, coordinator):
    make_coordinator("plain@example.org", role="coordinator")
    assert _login(client, "plain@example.org").status_code == 302
    assert client.get(f"/admin/accounts/{coordinator.id}/password").status_code == 403
    assert _set(client, coordinator.id).status_code == 403
    account = _account(coordinator.email)
    assert account.check_password(PASSWORD) and account.session_version == 1
    assert not db.session.scalars(sa.select(AuditEntry)).all()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, coordinator):
    for response in (
        client.get(f"/admin/accounts/{coordinator.id}/password"),
        _set(client, coordinator.id),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    assert _account(coordinator.email).check_password(PASSWORD)


def test_an_unknown_account_is_404(client, logged_in):
    assert client.get("/admin/accounts/999/password").status_code == 404
    assert _set(client, 999).status_code == 404


def test_setting_passwords_is_limited_like_the_other_forms(app, client, logged_in):
    colleague = make_coordinator("forgetful@example.org", role="coordinator")
    app.config["RATELIMIT_ENABLED"] = True
    app.config["RATELIMIT_PUBLIC_FORMS_PER_VISITOR"] = "3 per hour"
    for _ in range(3):
        assert _set(client, colleague.id, "weak").status_code == 422
    response = _set(client, colleague.id)
    assert response.status_code == 429
    assert "too many times" in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert _account(colleague.email).check_password(PASSWORD)


# --- a temporary password, to replace at the next login ------------------------------


def test_the_form_asks_by_default_for_a_password_of_the_colleagues_own(client, logged_in):
    colleague = make_coordinator("forgetful@example.org", role="coordinator")
    html = client.get(f"/admin/accounts/{colleague.id}/password?lang=en").get_data(as_text=True)
    assert "must choose a password of their own after logging in" in html
    (box,) = re.findall(r"<input[^>]*\bname=\"must_change\"[^>]*>", html)
    assert 'type="checkbox"' in box and " checked" in box


def test_a_temporary_password_opens_only_the_password_page_until_replaced(app, client, logged_in):
    colleague = make_coordinator("forgetful@example.org", role="administrator")
    assert _set(client, colleague.id, must_change=True).status_code == 302
    listing = client.get("/admin/accounts/?lang=en").get_data(as_text=True)
    assert "with a temporary password, to replace at the next login" in listing

    browser = app.test_client()
    assert _login(browser, colleague.email, TEMPORARY).status_code == 302
    for method, path in (
        ("GET", "/admin/"),
        ("GET", "/admin/accounts/"),
        ("GET", "/admin/partners/"),
        ("POST", f"/admin/accounts/{colleague.id}/password"),
    ):
        response = browser.open(path, method=method, data={"new_password": "x", "confirm": "x"})
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/admin/account/password"), path
    page = browser.get("/admin/account/password?lang=sv").get_data(as_text=True)
    assert "Lösenordet du fick är tillfälligt" in page

    changed = browser.post(
        "/admin/account/password",
        data={"current_password": TEMPORARY, "new_password": NEW_OWN, "confirm": NEW_OWN},
    )
    assert changed.status_code == 302
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/admin/accounts/").status_code == 200
    account = _account(colleague.email)
    assert not account.must_change_password and account.check_password(NEW_OWN)


def test_without_the_tick_the_temporary_password_opens_the_workspace(app, client, logged_in):
    colleague = make_coordinator("forgetful@example.org", role="coordinator")
    assert _set(client, colleague.id, must_change=False).status_code == 302
    browser = app.test_client()
    assert _login(browser, colleague.email, TEMPORARY).status_code == 302
    assert browser.get("/admin/").status_code == 200
    assert not _account(colleague.email).must_change_password
