from app.boundary import unit_of_work
from app.scheduler import beat


def test_healthz_reports_database_and_no_heartbeat_yet(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["scheduler"]["last_heartbeat"] is None
    assert body["scheduler"]["healthy"] is False


def test_healthz_shows_the_schedulers_last_heartbeat(client):
    with unit_of_work():
        beat()
    body = client.get("/healthz").get_json()
    assert body["scheduler"]["last_heartbeat"] is not None
    assert body["scheduler"]["healthy"] is True
