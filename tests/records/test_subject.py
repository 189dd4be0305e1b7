"""An administrator exports everything held about one e-mail address as JSON, and erases it."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import sqlalchemy as sa

from app.audit import AuditEntry
from app.exchanges import models as m
from app.extensions import db
from app.mail import OutboxMail
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import make_partner

ADDRESS = "anna.larare@hvitfeldtska.example.org"


def holdings():
    """A past exchange's sign-up, a coming one's (with a waiting group behind it), a past
    and a coming meeting's delegate, all with ADDRESS, and someone else's sign-up."""
    from app.meetings import services
    from tests.meetings.factories import make_meeting

    past = make_exchange(places=20)
    old = make_signup(past, "Hvitfeldtska gymnasiet", pupils=8, email=ADDRESS)
    past.starts_on = date.today() - timedelta(days=40)
    past.ends_on = date.today() - timedelta(days=35)
    past.status = m.CLOSED
    coming = make_exchange(places=10)
    live = make_signup(coming, "Hvitfeldtska gymnasiet", pupils=8, email=ADDRESS, keep_mail=True)
    db.session.info.pop("outbox_committed", None)  # the confirmation stays queued
    waiting = make_signup(coming, "Angeredsgymnasiet", pupils=5, email="bo@angered.example.org")
    assert waiting.status == m.WAITLISTED
    bergen = make_partner("Bergen", timezone="Europe/Oslo")
    met = make_meeting(
        bergen, start_date=date.today() - timedelta(days=30), start_time=time(9), end_time=time(12)
    )
    services.add_delegate(met, name="Anna Lärare", email=ADDRESS).reply = "accepted"
    services.add_delegate(met, name="Kari Nordmann", email="kari@bergen.example.org")
    future = make_meeting(
        bergen, start_date=date.today() + timedelta(days=30), start_time=time(9), end_time=time(12)
    )
    services.add_delegate(future, name="Anna Lärare", email=ADDRESS)
    db.session.commit()
    return old, live, waiting, met, future


def look_up(client, address=ADDRESS):
    response = client.post("/admin/privacy/lookup", data={"email": address.upper()})
    assert response.status_code == 302
    return client.get("/admin/privacy/?lang=en").get_data(as_text=True)


def test_the_privacy_page_lists_what_is_held_about_an_address(app, logged_in):
    holdings()
    page = look_up(logged_in)
    assert f"Held about {ADDRESS}" in page
    assert 'data-count="signups">2<' in page and 'data-count="delegates">2<' in page
    assert ADDRESS not in logged_in.get("/admin/privacy/").headers.get("Location", "")


def test_an_administrator_exports_everything_held_about_an_address_as_json(app, logged_in):
    old, live, *_ = holdings()
    look_up(logged_in)
    response = logged_in.post("/admin/privacy/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["address"] == ADDRESS
    assert sorted(s["id"] for s in data["signups"]) == [old.id, live.id]
    assert {s["school"] for s in data["signups"]} == {"Hvitfeldtska gymnasiet"}
    assert len(data["delegates"]) == 2 and data["delegates"][0]["name"] == "Anna Lärare"
    assert data["mails"] and all(mail["to_addr"] == ADDRESS for mail in data["mails"])
    assert data["audit_entries"]
    assert "token_nonce" not in data["signups"][0] and "bo@angered" not in response.text


def test_erasure_needs_the_address_typed_again(app, logged_in):
    holdings()
    look_up(logged_in)
    response = logged_in.post(
        "/admin/privacy/erase?lang=en", data={"confirm_email": "other@example.org"}
    )
    assert response.status_code == 422
    assert "not the address looked up" in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(m.Signup)
            .where(m.Signup.contact_email == ADDRESS)
        )
        == 2
    )


def test_an_administrator_erases_an_address_and_the_counts_stay(app, logged_in):
    from app.meetings.models import Delegate

    old, live, waiting, met, future = holdings()
    look_up(logged_in)
    response = logged_in.post("/admin/privacy/erase?lang=en", data={"confirm_email": ADDRESS})
    assert response.status_code == 302
    flashed = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Erased: 2 sign-ups (1 of them cancelled)" in flashed

    db.session.expire_all()
    old, live, waiting = (db.session.get(m.Signup, s.id) for s in (old, live, waiting))
    assert (old.pupils, old.status, old.contact_name) == (8, m.CONFIRMED, "")
    assert live.status == m.SIGNUP_CANCELLED and live.erased_at is not None
    assert waiting.status == m.OFFERED  # the places passed on
    delegates = db.session.scalars(sa.select(Delegate).order_by(Delegate.id)).all()
    assert [(d.meeting_id, d.reply, d.erased_at is not None) for d in delegates] == [
        (met.id, "accepted", True),
        (met.id, None, False),  # Kari's stays
    ]
    # Nothing anywhere still holds the address or the name that went with it.
    assert look_up(logged_in).count('data-count="') == 9
    assert 'data-held-total="0"' in look_up(logged_in)
    everything = " ".join(
        f"{e.actor_email} {e.summary} {e.message} {e.before} {e.after}"
        for e in db.session.scalars(sa.select(AuditEntry))
        # the factory names every contact Anna Lärare: the waiting group's is another person
        if (e.object_type, e.object_id) != ("Signup", str(waiting.id))
    )
    assert ADDRESS not in everything.lower() and "Anna Lärare" not in everything
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMail).where(OutboxMail.to_addr == ADDRESS)
        )
        == 0
    )
    # The erasure itself is in the log, without the address.
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "PersonalData")
    ).one()
    assert "erased on request" in entry.summary


def test_a_lookup_of_something_that_is_not_an_address_is_refused(app, logged_in):
    response = logged_in.post("/admin/privacy/lookup", data={"email": "not an address"})
    assert response.status_code == 422


def test_the_privacy_pages_are_for_coordinators_only(app, client):
    for method, path in (
        ("GET", "/admin/privacy/"),
        ("POST", "/admin/privacy/lookup"),
        ("POST", "/admin/privacy/export"),
        ("POST", "/admin/privacy/erase"),
    ):
        response = client.open(path, method=method)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_erasure_message_counts_the_dropped_mail_and_the_scrubbed_log_entry(app, logged_in):
    past = make_exchange(places=20)
    make_signup(past, "Hvitfeldtska gymnasiet", pupils=8, email=ADDRESS, keep_mail=True)
    db.session.info.pop("outbox_committed", None)  # the confirmation stays queued
    past.starts_on = date.today() - timedelta(days=40)
    past.ends_on = date.today() - timedelta(days=35)
    past.status = m.CLOSED
    db.session.commit()
    queued = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.to_addr == ADDRESS)).all()
    logged = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "Signup"))
    assert len(queued) == 1 and len(logged.all()) == 1
    look_up(logged_in)
    response = logged_in.post("/admin/privacy/erase?lang=en", data={"confirm_email": ADDRESS})
    flashed = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 mails, 0 reminders, 1 log entries." in flashed
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "PersonalData")
    ).one()
    # the sign-up, the school's contact address, the mail, the log entry
    assert "(4 records)" in entry.summary


def test_erasure_counts_a_cancelled_sign_up_once_and_gives_the_reason_in_both_languages(
    app, logged_in
):
    coming = make_exchange(places=10)
    live = make_signup(coming, "Hvitfeldtska gymnasiet", pupils=8, email=ADDRESS)
    db.session.commit()
    look_up(logged_in)
    response = logged_in.post("/admin/privacy/erase?lang=en", data={"confirm_email": ADDRESS})
    flashed = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Erased: 1 sign-ups (1 of them cancelled)" in flashed
    db.session.expire_all()
    live = db.session.get(m.Signup, live.id)
    assert live.status == m.SIGNUP_CANCELLED
    assert live.cancel_reason == "Personuppgifterna raderade på begäran."
    assert live.cancel_reason_en == "Personal data erased on request."
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "PersonalData")
    ).one()
    after = json.loads(entry.after)
    assert after["signups"] == 1 and after["cancelled"] == 1
    # the cancelled sign-up is one of the erased ones: it is not a second record
    assert f"({sum(after.values()) - 1} records)" in entry.summary
