"""Logging out and changing the password end every session, copies of the cookie included."""

from app.auth.models import Coordinator
from app.extensions import db
from tests.factories import PASSWORD

NEW_PASSWORD = "a kettle of ospreys over Hisingen"


def _stolen_copy(app, client):
    """A second browser holding a copy of the client's session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copy_of_the_cookie_opens_the_workspace_while_the_session_lasts(app, logged_in):
    thief = _stolen_copy(app, logged_in)
    assert thief.get("/admin/").status_code == 200


def test_a_cookie_copied_before_logout_no_longer_opens_the_workspace(app, logged_in, auth):
    thief = _stolen_copy(app, logged_in)
    auth.logout()
    response = thief.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logging_out_ends_the_accounts_sessions_in_other_browsers(app, client, auth, coordinator):
    other = app.test_client()
    other.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    assert other.get("/admin/").status_code == 200
    auth.login(coordinator.email)
    auth.logout()
    assert other.get("/admin/").status_code == 302


def test_logging_in_again_after_logout_works(client, auth, coordinator):
    auth.login(coordinator.email)
    auth.logout()
    auth.login(coordinator.email)
    assert client.get("/admin/").status_code == 200


def _change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/admin/account/password?lang=en",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_changing_the_password_keeps_this_browser_in_and_shuts_out_a_copied_cookie(
    app, logged_in, coordinator
):
    thief = _stolen_copy(app, logged_in)
    response = _change(logged_in)
    assert response.status_code == 302
    assert logged_in.get("/admin/").status_code == 200
    assert thief.get("/admin/").status_code == 302
    db.session.expire_all()
    account = db.session.get(Coordinator, coordinator.id)
    assert account.check_password(NEW_PASSWORD)
    assert not account.check_password(PASSWORD)


def test_the_password_page_says_what_changing_it_does(logged_in):
    html = logged_in.get("/admin/account/password?lang=en").get_data(as_text=True)
    assert "logs you out everywhere else" in html
    assert 'autocomplete="new-password"' in html
    assert "Byt lösenord" in logged_in.get("/admin/account/password?lang=sv").get_data(as_text=True)


def test_the_password_change_needs_the_current_password(logged_in, coordinator):
    response = _change(logged_in, current="not my password at all")
    assert response.status_code == 422
    assert "The current password is wrong." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Coordinator, coordinator.id).check_password(PASSWORD)


def test_the_password_change_refuses_weak_passwords_in_the_readers_language(logged_in):
    cases = {
        "short-pw": "at least 12 characters",
        "password1234": "among the most common",
        "Qwerty123456": "among the most common",
        "office@example.org": "must not be your e-mail address",
    }
    for weak, said in cases.items():
        response = _change(logged_in, new=weak)
        assert response.status_code == 422, weak
        assert said in response.get_data(as_text=True), weak
    swedish = logged_in.post(
        "/admin/account/password?lang=sv",
        data={"current_password": PASSWORD, "new_password": "12345678", "confirm": "12345678"},
    ).get_data(as_text=True)
    assert "minst 12 tecken" in swedish


def test_the_two_new_passwords_must_agree(logged_in):
    response = _change(logged_in, confirm="something else entirely")
    assert response.status_code == 422
    assert "The two new passwords differ." in response.get_data(as_text=True)


def test_the_password_page_is_for_logged_in_coordinators_only(client):
    response = client.get("/admin/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logging_out_forgets_everything_the_session_held(client, auth, coordinator):
    auth.login(coordinator.email)
    with client.session_transaction() as session:
        session["privacy_subject"] = "someone@example.org"  # the privacy page's looked-up address
    auth.logout()
    with client.session_transaction() as session:
        assert "privacy_subject" not in session
