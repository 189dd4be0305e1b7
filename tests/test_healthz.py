"""/healthz and the dashboard banner: a dead scheduler or a failing mail server is noticed."""

from datetime import timedelta

import sqlalchemy as sa

from app.boundary import unit_of_work
from app.extensions import db
from app.mail import QUEUED, OutboxMail, deliver_due, queue_mail
from app.reminders.models import HEARTBEAT_NAME, SchedulerHeartbeat
from app.scheduler import beat
from app.timeutil import utcnow


def _beat(ago: timedelta = timedelta(0)) -> None:
    with unit_of_work():
        beat()
    db.session.execute(
        sa.update(SchedulerHeartbeat)
        .where(SchedulerHeartbeat.name == HEARTBEAT_NAME)
        .values(beat_at=utcnow() - ago)
    )
    db.session.commit()


def _codes(response) -> list[str]:
    return [p["code"] for p in response.get_json()["problems"]]


def test_a_scheduler_that_never_ran_is_an_alarm(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["scheduler"]["last_heartbeat"] is None
    assert body["scheduler"]["healthy"] is False
    assert _codes(response) == ["scheduler_never_ran"]
    assert "flask --app app scheduler" in body["problems"][0]["message"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_fresh_heartbeat_is_healthy(client):
    _beat(timedelta(minutes=4))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["problems"] == []
    assert body["scheduler"]["healthy"] is True
    assert 230 <= body["scheduler"]["seconds_ago"] <= 250


def test_a_heartbeat_older_than_five_minutes_is_an_alarm(client):
    _beat(timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert _codes(response) == ["scheduler_stopped"]
    assert response.get_json()["scheduler"]["healthy"] is False


def test_mail_failing_for_an_hour_is_an_alarm_until_it_gets_through(app, client, smtp_server):
    _beat()
    queue_mail(key="k", to="office@example.org", subject="Påminnelse", text="Hej")
    db.session.commit()
    deliver_due()  # nobody listens on the SMTP port
    mail = db.session.scalar(sa.select(OutboxMail))
    assert mail.status == QUEUED and mail.failing_since is not None
    assert client.get("/healthz").status_code == 200  # failing, but not for an hour yet

    # An hour passes with every retry failing.
    db.session.execute(sa.update(OutboxMail).values(failing_since=utcnow() - timedelta(minutes=61)))
    db.session.commit()
    deliver_due(now=utcnow() + timedelta(hours=1))
    db.session.expire_all()
    assert db.session.get(OutboxMail, mail.id).failing_since < utcnow() - timedelta(hours=1)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert _codes(response) == ["mail_failing"]
    assert response.get_json()["mail"]["queued"] == 1
    assert response.get_json()["problems"][0]["message"].endswith("1 mail is waiting.")

    smtp_server.start()
    deliver_due(now=utcnow() + timedelta(hours=2))
    assert len(smtp_server.inbox.wait_for(1)) == 1
    assert client.get("/healthz").status_code == 200


def test_the_dashboard_shows_the_same_alarms_as_a_banner(logged_in):
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    assert 'role="alert"' in page
    assert "The scheduler has never run" in page
    page = logged_in.get("/admin/?lang=sv").get_data(as_text=True)
    assert "Schemaläggaren har aldrig körts" in page

    _beat(timedelta(minutes=10))
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    assert "The scheduler has not been heard from since" in page

    _beat()
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    assert 'role="alert"' not in page


def test_the_dashboard_counts_waiting_mail_in_words_that_fit_the_number(logged_in):
    _beat()
    queue_mail(key="one", to="office@example.org", subject="Påminnelse", text="Hej")
    db.session.commit()
    english = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    assert "1 mail waiting to be sent." in english
    swedish = logged_in.get("/admin/?lang=sv").get_data(as_text=True)
    assert "1 e-postmeddelande väntar på att skickas." in swedish
    queue_mail(key="two", to="office@example.org", subject="Påminnelse", text="Hej")
    db.session.commit()
    assert "2 mails waiting to be sent." in logged_in.get("/admin/?lang=en").get_data(as_text=True)
