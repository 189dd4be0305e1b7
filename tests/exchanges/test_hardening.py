"""What load and attack testing found (step 6): each rule, tested through the pages."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import sqlalchemy as sa

from app.exchanges import links, services
from app.exchanges import models as m
from app.extensions import db
from app.mail import OutboxMail
from app.timeutil import utcnow
from tests.exchanges.factories import make_exchange, make_signup, request_for, signup_form


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _mails(kind: str) -> list[OutboxMail]:
    return list(
        db.session.scalars(
            sa.select(OutboxMail).where(OutboxMail.dedup_key.like(f"exchanges:{kind}:%"))
        )
    )


# --- 5: a school's link on a cancelled exchange ---------------------------------------------


def test_a_schools_link_to_a_cancelled_exchange_says_so_and_takes_no_changes(client, app):
    exchange = make_exchange(places=30)
    signup = make_signup(exchange, pupils=4)
    link = links.signup_path(signup)
    services.change_exchange(exchange, status=m.CANCELLED)
    db.session.commit()
    page = client.get(link)
    assert page.status_code == 200
    assert 'data-signup-status="cancelled"' in page.text
    assert 'data-signup-status="confirmed"' not in page.text
    assert "data-places-left" not in page.text
    assert f"{link}/change" not in page.text and f"{link}/cancel" not in page.text
    changed = client.post(f"{link}/change", data={"students": "2", "teachers": "1"})
    assert changed.status_code == 422
    assert "inställt" in changed.text
    cancelled = client.post(f"{link}/cancel")
    assert cancelled.status_code == 422
    db.session.expire_all()
    kept = db.session.get(m.Signup, signup.id)
    assert (kept.pupils, kept.status) == (4, m.CONFIRMED)
    assert _mails("changed") == [] and _mails("cancelled") == []


# --- 6: an exchange that has ended ------------------------------------------------------------


def test_an_exchange_that_has_ended_takes_no_sign_ups_while_its_window_is_open(client, app):
    ended = date.today() - timedelta(days=2)
    exchange = make_exchange(starts_on=ended - timedelta(days=5), ends_on=ended)
    response = client.post(f"/exchanges/{exchange.id}/signup", data=signup_form())
    assert response.status_code == 422
    assert "Utbytet är över" in response.text
    assert _count(m.Signup) == 0
    assert f"/exchanges/{exchange.id}" not in client.get("/exchanges/").text


# --- 7: the waiting list's order is the order places were decided in --------------------------


def test_a_sign_up_takes_its_queue_time_inside_the_lock(app, backend):
    """A sign-up that waited for the exchange's lock is queued when it got it, not before."""
    exchange = make_exchange(places=1)
    make_signup(exchange, pupils=1)
    exchange_id = exchange.id
    url = db.engine.url
    holder = sa.create_engine(url)
    conn = holder.connect()
    if backend == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.begin()
        conn.execute(
            sa.text("SELECT id FROM exchange WHERE id = :i FOR UPDATE"), {"i": exchange_id}
        )
    done = {}

    def sign_up() -> None:
        with app.app_context():
            outcome = services.sign_up(exchange_id, request_for("Väntande skola", pupils=1))
            done["id"] = outcome.signup.id
            db.session.commit()

    worker = threading.Thread(target=sign_up)
    worker.start()
    time.sleep(1.0)
    released = utcnow()
    conn.exec_driver_sql("COMMIT") if backend == "sqlite" else conn.commit()
    worker.join(30)
    conn.close()
    holder.dispose()
    db.session.rollback()
    queued = db.session.get(m.Signup, done["id"])
    assert queued.status == m.WAITLISTED
    assert queued.queued_at >= released - timedelta(milliseconds=50)


# --- 9: odd characters ----------------------------------------------------------------------


def test_names_lose_invisible_characters_before_they_are_stored(client, app):
    exchange = make_exchange()
    client.post(
        f"/exchanges/{exchange.id}/signup",
        data=signup_form(
            "\u202eHvitfeldtska\u200b gymnasiet\x07", contact_name="Anna\u2066 Lärare"
        ),
    )
    signup = db.session.scalar(sa.select(m.Signup))
    assert signup.school.name == "Hvitfeldtska gymnasiet"
    assert signup.contact_name == "Anna Lärare"


def test_pupil_counts_in_other_scripts_digits_are_refused(client, app):
    exchange = make_exchange()
    for digits in ("٣", "５", "3_0"):
        response = client.post(
            f"/exchanges/{exchange.id}/signup", data=signup_form(students=digits)
        )
        assert response.status_code == 422
        assert "Ange ett heltal" in response.text
    assert _count(m.Signup) == 0


# --- 10: titles in the HTML part of exchange mails -----------------------------------------


def test_an_exchange_title_with_markup_is_escaped_in_every_html_mail(app):
    exchange = make_exchange(title_sv="<b>Fet</b> & <i>kursiv</i>", places=2)
    first = make_signup(exchange, pupils=2, email="first@example.org", keep_mail=True)
    make_signup(exchange, pupils=2, email="second@example.org", keep_mail=True)
    services.cancel_signup(first)
    db.session.commit()
    mails = list(db.session.scalars(sa.select(OutboxMail)))
    assert {mail.dedup_key.split(":")[1] for mail in mails} >= {"signup", "cancelled", "offer"}
    for mail in mails:
        assert "<b>Fet</b>" not in mail.body_html, mail.dedup_key
        assert "&lt;b&gt;Fet&lt;/b&gt;" in mail.body_html, mail.dedup_key
