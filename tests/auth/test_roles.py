"""Administrators manage the installation; coordinators the data."""

from app.auth.services import find_coordinator
from app.demo import DEMO_COORDINATOR_EMAIL
from tests.conftest import seed_demo
from tests.factories import make_coordinator


def _login(client, role):
    account = make_coordinator(f"{role}@example.org", role=role)
    client.post("/login", data={"email": account.email, "password": "correct horse battery"})
    return account


def test_a_coordinator_may_not_open_or_make_private_feed_addresses(client):
    _login(client, "coordinator")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/calendar/tokens").status_code == 403
    assert client.post("/admin/calendar/tokens", data={"label": "x"}).status_code == 403
    assert "Calendar feeds" not in client.get("/admin/?lang=en").get_data(as_text=True)


def test_an_administrator_manages_private_feed_addresses(client):
    _login(client, "administrator")
    assert client.get("/admin/calendar/tokens").status_code == 200
    assert "Calendar feeds" in client.get("/admin/?lang=en").get_data(as_text=True)


def test_the_demo_coordinator_is_an_administrator(app):
    seed_demo("goteborg")
    assert find_coordinator(DEMO_COORDINATOR_EMAIL).role == "administrator"
