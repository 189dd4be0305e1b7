import pytest
import sqlalchemy as sa

from app.auth.models import Coordinator
from app.extensions import db
from tests.factories import PASSWORD, make_coordinator


def test_admin_sends_an_anonymous_visitor_to_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_admin_opens_after_logging_in(client, auth):
    make_coordinator("office@example.org")
    response = auth.login("office@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    page = client.get("/admin/?lang=en").get_data(as_text=True)
    assert "Logged in as office@example.org" in page


def test_login_returns_to_the_page_asked_for(client):
    make_coordinator("office@example.org")
    response = client.post(
        "/login?next=/admin/%3Flang%3Den",
        data={"email": "office@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/admin/?lang=en"


def test_login_never_redirects_to_another_site(client):
    make_coordinator("office@example.org")
    response = client.post(
        "/login?next=//evil.example.com/",
        data={"email": "office@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/admin/"


def test_wrong_password_reshows_the_form_without_saying_which_part_was_wrong(client):
    make_coordinator("office@example.org")
    wrong_password = client.post(
        "/login?lang=en", data={"email": "office@example.org", "password": "nope-nope"}
    )
    unknown_user = client.post(
        "/login?lang=en", data={"email": "nobody@example.org", "password": "nope-nope"}
    )
    for response in (wrong_password, unknown_user):
        html = response.get_data(as_text=True)
        assert response.status_code == 401
        assert "The e-mail address or the password is wrong." in html
        assert 'name="password"' in html
    assert client.get("/admin/").status_code == 302


def test_wrong_password_message_is_swedish_by_default(client):
    html = client.post("/login", data={"email": "x@example.org", "password": "y"}).get_data(
        as_text=True
    )
    assert "E-postadressen eller lösenordet är fel." in html


def test_empty_login_form_is_reshown_with_field_errors(client):
    response = client.post("/login?lang=en", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)


def test_logout_ends_the_session(client, auth):
    make_coordinator("office@example.org")
    auth.login("office@example.org")
    auth.logout()
    assert client.get("/admin/").status_code == 302


def test_inactive_coordinator_cannot_log_in(client, auth):
    coordinator = make_coordinator("gone@example.org")
    coordinator.active = False
    db.session.commit()
    assert auth.login("gone@example.org").status_code == 401


def test_create_coordinator_command_adds_a_hashed_account(runner):
    result = runner.invoke(
        args=[
            "create-coordinator",
            "New.Person@Example.org",
            "--password",
            "long-enough-pw",
            "--name",
            "N",
        ]
    )
    assert result.exit_code == 0, result.output
    coordinator = db.session.scalar(sa.select(Coordinator))
    assert coordinator.email == "new.person@example.org"
    assert coordinator.password_hash != "long-enough-pw"
    assert coordinator.check_password("long-enough-pw")


def test_create_coordinator_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["create-coordinator", "p@example.org"], input="long-enough-pw\nlong-enough-pw\n"
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Coordinator.email)) == "p@example.org"


def test_create_coordinator_refuses_a_malformed_email(app, runner):
    app.config["DEFAULT_LANGUAGE"] = "en"
    result = runner.invoke(
        args=["create-coordinator", "not-an-address", "--password", "long-enough-pw"]
    )
    assert result.exit_code != 0
    assert "Not a valid e-mail address" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Coordinator)) == 0


def test_create_coordinator_refuses_a_taken_email(app, runner):
    app.config["DEFAULT_LANGUAGE"] = "en"
    make_coordinator("office@example.org")
    result = runner.invoke(
        args=["create-coordinator", "OFFICE@example.org", "--password", "long-enough-pw"]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Coordinator)) == 1


def test_create_coordinator_refuses_a_short_password(app, runner):
    app.config["DEFAULT_LANGUAGE"] = "en"
    result = runner.invoke(args=["create-coordinator", "a@example.org", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "sv",
            [
                "Fel: Ingen giltig e-postadress: not-an-address",
                "Fel: Det finns redan ett konto med adressen office@example.org.",
            ],
        ),
        (
            "en",
            [
                "Error: Not a valid e-mail address: not-an-address",
                "Error: An account with the address office@example.org already exists.",
            ],
        ),
    ],
)
def test_create_coordinator_refuses_in_the_installations_language(app, runner, lang, said):
    app.config["DEFAULT_LANGUAGE"] = lang
    make_coordinator("office@example.org")
    malformed = runner.invoke(
        args=["create-coordinator", "not-an-address", "--password", "long-enough-pw"]
    )
    taken = runner.invoke(
        args=["create-coordinator", "Office@example.org", "--password", "long-enough-pw"]
    )
    assert malformed.exit_code == taken.exit_code == 1
    assert said[0] in malformed.output
    assert said[1] in taken.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Coordinator)) == 1


def test_create_coordinator_prompts_in_swedish_and_asks_again_when_the_two_differ(app, runner):
    app.config["DEFAULT_LANGUAGE"] = "sv"
    result = runner.invoke(
        args=["create-coordinator", "p@example.org"],
        input="long-enough-pw\nanother-one-pw\nlong-enough-pw\nlong-enough-pw\n",
    )
    assert result.exit_code == 0, result.output
    assert "Lösenord: " in result.output
    assert "Samma lösenord en gång till: " in result.output
    assert "De två lösenorden skiljer sig åt. Försök igen." in result.output
    assert "Samordnaren p@example.org har lagts till." in result.output
    assert db.session.scalar(sa.select(Coordinator)).check_password("long-enough-pw")


def test_login_form_without_csrf_token_is_refused(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    make_coordinator("office@example.org")
    response = client.post(
        "/login?lang=en", data={"email": "office@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_many_coordinators_logging_in_at_once_all_get_in(app, live_server):
    """Real concurrent requests: each login writes last_login_at; none may fail."""
    import threading
    import urllib.parse
    import urllib.request

    app.config["WTF_CSRF_ENABLED"] = False
    emails = [make_coordinator(f"c{i}@example.org").email for i in range(12)]
    statuses = []
    barrier = threading.Barrier(len(emails))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def login(email):
        opener = urllib.request.build_opener(NoRedirect)
        data = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
        barrier.wait()
        try:
            statuses.append(opener.open(f"{live_server.url}/login", data, timeout=30).status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=login, args=(e,)) for e in emails]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [302] * len(emails)
    db.session.rollback()
    assert all(c.last_login_at is not None for c in db.session.scalars(sa.select(Coordinator)))


def test_safe_local_target_refuses_other_sites():
    from app.auth.permissions import safe_local_target

    assert safe_local_target("/admin/meetings/") == "/admin/meetings/"
    for target in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "",
        None,
        "admin",
    ):
        assert safe_local_target(target) is None
