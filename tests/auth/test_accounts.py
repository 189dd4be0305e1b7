"""Administrators manage accounts on /admin/accounts/: add, change role, deactivate."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit import AuditEntry
from app.auth import accounts
from app.auth.accounts import AccountError
from app.auth.services import find_coordinator
from app.extensions import db
from tests.factories import PASSWORD, make_coordinator

NEW_PASSWORD = "plum kite seventeen harbour"


def _login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def _account(email):
    db.session.expire_all()
    return find_coordinator(email)


def test_a_plain_coordinator_is_refused(client):
    make_coordinator("plain@example.org", role="coordinator")
    _login(client, "plain@example.org")
    assert client.get("/admin/accounts/").status_code == 403
    data = {"email": "x@example.org", "role": "administrator", "password": NEW_PASSWORD}
    assert client.post("/admin/accounts/", data=data).status_code == 403
    assert _account("x@example.org") is None
    assert "/admin/accounts/" not in client.get("/admin/?lang=en").get_data(as_text=True)


def test_an_administrator_adds_an_account_that_can_log_in(client, logged_in, app):
    page = client.get("/admin/?lang=en").get_data(as_text=True)
    assert 'href="/admin/accounts/' in page
    response = client.post(
        "/admin/accounts/?lang=en",
        data={
            "email": "New@Example.org",
            "name": "Nora New",
            "role": "coordinator",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    listing = client.get("/admin/accounts/?lang=en").get_data(as_text=True)
    assert "new@example.org" in listing and "Nora New" in listing
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Coordinator")
    ).one()
    assert entry.action == "create" and "new@example.org" in entry.summary
    assert entry.actor_email == "office@example.org"
    assert "password_hash" not in (entry.after or "")

    other = app.test_client()
    assert _login(other, "new@example.org", NEW_PASSWORD).status_code == 302
    assert other.get("/admin/").status_code == 200
    assert other.get("/admin/accounts/").status_code == 403


def test_a_weak_password_is_refused_with_a_message(client, logged_in):
    for lang, text in (("en", "most common"), ("sv", "vanligaste")):
        response = client.post(
            f"/admin/accounts/?lang={lang}",
            data={"email": "weak@example.org", "role": "coordinator", "password": "password1234"},
        )
        assert response.status_code == 422
        assert text in response.get_data(as_text=True)
    response = client.post(
        "/admin/accounts/?lang=en",
        data={"email": "office@example.org", "role": "coordinator", "password": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert _account("weak@example.org") is None


def test_a_role_change_takes_effect(client, logged_in, app):
    colleague = make_coordinator("colleague@example.org", role="coordinator")
    other = app.test_client()
    _login(other, colleague.email)
    assert other.get("/admin/accounts/").status_code == 403

    response = client.post(f"/admin/accounts/{colleague.id}/role", data={"role": "administrator"})
    assert response.status_code == 302
    assert _account(colleague.email).role == "administrator"
    assert other.get("/admin/accounts/").status_code == 200
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Coordinator")
    ).one()
    assert entry.before_values["role"] == "coordinator"
    assert entry.after_values["role"] == "administrator"
    log = client.get("/admin/audit/?lang=sv").get_data(as_text=True)
    assert "Administratör" in log


def test_a_deactivated_account_loses_its_session_and_cannot_log_in(client, logged_in, app):
    colleague = make_coordinator("leaver@example.org", role="coordinator")
    other = app.test_client()
    _login(other, colleague.email)
    assert other.get("/admin/").status_code == 200

    confirm = client.get(f"/admin/accounts/{colleague.id}/deactivate?lang=en")
    assert confirm.status_code == 200 and "Deactivate leaver@example.org?" in confirm.get_data(
        as_text=True
    )
    assert _account(colleague.email).active  # asking is not doing
    assert client.post(f"/admin/accounts/{colleague.id}/deactivate").status_code == 302
    assert not _account(colleague.email).active
    assert other.get("/admin/").status_code == 302  # back to the login page
    assert _login(app.test_client(), colleague.email).status_code == 401
    summaries = db.session.scalars(sa.select(AuditEntry.summary)).all()
    assert any("deactivated" in s for s in summaries)

    assert client.post(f"/admin/accounts/{colleague.id}/reactivate").status_code == 302
    assert _login(app.test_client(), colleague.email).status_code == 302


def test_an_administrator_cannot_demote_or_deactivate_themself(client, logged_in, coordinator):
    make_coordinator("second@example.org", role="administrator")  # not the last one
    me = coordinator.id
    response = client.post(f"/admin/accounts/{me}/role?lang=en", data={"role": "coordinator"})
    assert response.status_code == 422
    assert "your own account" in response.get_data(as_text=True)
    response = client.post(f"/admin/accounts/{me}/deactivate?lang=sv")
    assert response.status_code == 422
    assert "ditt eget konto" in response.get_data(as_text=True)
    account = _account("office@example.org")
    assert account.active and account.role == "administrator"


def test_the_last_active_administrator_is_never_demoted_or_deactivated(client, logged_in):
    office = _account("office@example.org")
    for url, data in (
        (f"/admin/accounts/{office.id}/role", {"role": "coordinator"}),
        (f"/admin/accounts/{office.id}/deactivate", {}),
    ):
        response = client.post(url + "?lang=en", data=data)
        assert response.status_code == 422
        assert "last active administrator" in response.get_data(as_text=True)
    # Whoever asks (a command, say): the last one stays.
    plain = make_coordinator("plain@example.org", role="coordinator")
    with pytest.raises(AccountError, match="office@example.org"):
        accounts.change_role(_account("office@example.org"), "coordinator", plain)
    with pytest.raises(AccountError, match="office@example.org"):
        accounts.deactivate(_account("office@example.org"), plain)
    # An inactive administrator does not count.
    idle = make_coordinator("idle@example.org", role="administrator")
    idle.active = False
    db.session.commit()
    with pytest.raises(AccountError):
        accounts.deactivate(_account("office@example.org"), plain)
    account = _account("office@example.org")
    assert account.active and account.role == "administrator"
    assert not db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Coordinator")
    ).all()


def _add(client, email, *, must_change, lang="en", password=NEW_PASSWORD):
    data = {"email": email, "name": "", "role": "coordinator", "password": password}
    if must_change:
        data["must_change"] = "y"
    return client.post(f"/admin/accounts/?lang={lang}", data=data)


def test_the_add_form_asks_by_default_for_a_password_of_the_colleagues_own(client, logged_in):
    import re

    html = client.get("/admin/accounts/?lang=en").get_data(as_text=True)
    assert "must choose a password of their own after logging in" in html
    (box,) = re.findall(r"<input[^>]*\bname=\"must_change\"[^>]*>", html)
    assert 'type="checkbox"' in box and " checked" in box


def test_a_new_account_with_the_tick_must_choose_its_own_password_first(app, client, logged_in):
    assert _add(client, "new@example.org", must_change=True).status_code == 302
    assert _account("new@example.org").must_change_password
    listing = client.get("/admin/accounts/?lang=en").get_data(as_text=True)
    assert "with a temporary password, to replace at the next login" in listing
    other = app.test_client()
    assert _login(other, "new@example.org", NEW_PASSWORD).status_code == 302
    sent = other.get("/admin/")
    assert sent.status_code == 302
    assert sent.headers["Location"].startswith("/admin/account/password")
    own = "a password of my very own"
    changed = other.post(
        "/admin/account/password",
        data={"current_password": NEW_PASSWORD, "new_password": own, "confirm": own},
    )
    assert changed.status_code == 302
    assert other.get("/admin/").status_code == 200
    assert not _account("new@example.org").must_change_password


def test_a_new_account_without_the_tick_opens_the_workspace_at_once(app, client, logged_in):
    assert _add(client, "new@example.org", must_change=False).status_code == 302
    assert not _account("new@example.org").must_change_password
    other = app.test_client()
    assert _login(other, "new@example.org", NEW_PASSWORD).status_code == 302
    assert other.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "must not be the account&#39;s e-mail address"),
        ("sv", "får inte vara kontots e-postadress"),
    ],
)
def test_a_new_accounts_password_equal_to_its_address_is_refused_as_the_accounts(
    client, logged_in, lang, said
):
    response = _add(
        client, "nora.new@example.org", must_change=True, lang=lang, password="nora.new@example.org"
    )
    assert response.status_code == 422
    assert said in response.get_data(as_text=True)
    assert _account("nora.new@example.org") is None
