"""Schools never travel on stale information: changes that matter reach every live sign-up."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import sqlalchemy as sa

from app.audit import AuditEntry
from app.exchanges import links, services
from app.exchanges import models as m
from app.extensions import db
from app.mail import OutboxMail
from tests.exchanges.factories import edit_form, make_exchange, make_signup, signup_form

START = date.today() + timedelta(days=60)


def _sign_up_through_the_page(client, exchange, school, email, pupils, lang="sv"):
    response = client.post(
        f"/exchanges/{exchange.id}/signup?lang={lang}",
        data=signup_form(school, pupils, contact_email=email),
        follow_redirects=True,
    )
    assert response.status_code == 200
    return db.session.scalar(sa.select(m.Signup).where(m.Signup.contact_email == email))


def _event(mail) -> icalendar.Event:
    (part,) = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    return event


def _updated_mails() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMail)
        .where(OutboxMail.dedup_key.like("exchanges:updated:%"))
    )


def test_new_dates_reach_every_live_signup_with_a_calendar_entry_that_replaces_the_first(
    logged_in, app, smtp
):
    exchange = make_exchange(places=6, starts_on=START)
    _sign_up_through_the_page(logged_in, exchange, "Alfaskolan", "a@example.org", 4)
    leaving = _sign_up_through_the_page(logged_in, exchange, "Cesium", "c@example.org", 2)
    _sign_up_through_the_page(logged_in, exchange, "Betaskolan", "b@example.org", 3)
    _sign_up_through_the_page(logged_in, exchange, "Deltaskolan", "d@example.org", 2, "en")
    logged_in.post(links.signup_path(leaving) + "/cancel")
    smtp.wait_for(6)  # four sign-ups, the cancellation, the offer to Deltaskolan
    statuses = {s.contact_email: s.status for s in db.session.scalars(sa.select(m.Signup))}
    assert statuses == {
        "a@example.org": m.CONFIRMED,
        "b@example.org": m.WAITLISTED,
        "c@example.org": m.SIGNUP_CANCELLED,
        "d@example.org": m.OFFERED,
    }
    first = {a: _event(smtp.to(a)[0]) for a in ("a@example.org", "b@example.org", "d@example.org")}
    new_start = START + timedelta(days=7)

    response = logged_in.post(
        f"/admin/exchanges/{exchange.id}/edit",
        data=edit_form(
            exchange,
            starts_on=new_start.isoformat(),
            ends_on=(new_start + timedelta(days=4)).isoformat(),
        ),
        follow_redirects=True,
    )

    assert "3 anmälda skolor fick ändringen och en uppdaterad kalenderpost." in response.text
    smtp.wait_for(9)
    assert len(smtp.to("c@example.org")) == 2  # its sign-up and its cancellation, nothing more
    for address, before in first.items():
        update = smtp.to(address)[-1]
        event = _event(update)
        assert str(event["UID"]) == str(before["UID"])
        assert int(event["SEQUENCE"]) > int(before["SEQUENCE"])
        assert event.decoded("DTSTART") == new_start
        assert event.decoded("DTEND") == new_start + timedelta(days=5)
    swedish = smtp.to("a@example.org")[-1]
    assert swedish["Subject"] == "Utbytet har ändrats: Ungdomsutbyte"
    assert "Nya datum:" in swedish.get_body(("plain",)).get_content()
    english = smtp.to("d@example.org")[-1]
    assert english["Subject"] == "Exchange updated: Youth exchange"
    assert "New dates:" in english.get_body(("plain",)).get_content()
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "mail", AuditEntry.summary.like("% 3"))
    )
    assert entry is not None and entry.after_values["changed"][:2] == ["starts_on", "ends_on"]


def test_saving_the_same_values_again_sends_nothing_twice(logged_in, app, smtp):
    exchange = make_exchange(starts_on=START)
    _sign_up_through_the_page(logged_in, exchange, "Alfaskolan", "a@example.org", 4)
    smtp.wait_for(1)
    form = edit_form(exchange, practical_sv="Samling vid Centralen kl. 7.\r\nTa med pass.")
    assert logged_in.post(f"/admin/exchanges/{exchange.id}/edit", data=form).status_code == 302
    smtp.wait_for(2)
    sequence = db.session.get(m.Exchange, exchange.id).sequence
    update = smtp.to("a@example.org")[-1]
    assert "Ta med pass." in update.get_body(("plain",)).get_content()

    response = logged_in.post(f"/admin/exchanges/{exchange.id}/edit", data=form)

    assert response.status_code == 302
    assert db.session.get(m.Exchange, exchange.id).sequence == sequence
    assert _updated_mails() == 1
    assert len(smtp.messages) == 2


def test_editing_only_what_schools_do_not_see_sends_nothing(logged_in, app, smtp):
    exchange = make_exchange(places=10, starts_on=START, description_sv="Gammal text")
    _sign_up_through_the_page(logged_in, exchange, "Alfaskolan", "a@example.org", 4)
    smtp.wait_for(1)

    response = logged_in.post(
        f"/admin/exchanges/{exchange.id}/edit",
        data=edit_form(
            exchange, description_sv="Ny text", places=12, offer_hours=48, incoming_pupils=9
        ),
    )

    assert response.status_code == 302
    saved = db.session.get(m.Exchange, exchange.id)
    assert (saved.places, saved.description_sv, saved.sequence) == (12, "Ny text", 0)
    assert _updated_mails() == 0
    assert len(smtp.messages) == 1


def test_an_english_title_change_reaches_only_schools_reading_english(app):
    exchange = make_exchange(starts_on=START)
    make_signup(exchange, language="sv")
    english = make_signup(exchange, language="en")

    services.change_exchange(exchange, title_en="Youth exchange in spring")
    db.session.commit()

    keys = db.session.scalars(
        sa.select(OutboxMail.dedup_key).where(OutboxMail.dedup_key.like("exchanges:updated:%"))
    ).all()
    assert keys == [f"exchanges:updated:{english.id}:1"]  # the Swedish school sees no change


def test_raising_the_places_on_the_edit_page_offers_them_to_the_waiting_list(logged_in, app, smtp):
    exchange = make_exchange(places=5, starts_on=START)
    make_signup(exchange, pupils=5)
    too_big = make_signup(exchange, pupils=4, email="big@example.org")
    waiting = make_signup(exchange, pupils=3, email="next@example.org", language="en")

    response = logged_in.post(
        f"/admin/exchanges/{exchange.id}/edit",
        data=edit_form(exchange, places=8),
        follow_redirects=True,
    )

    assert "Platser erbjöds 1 väntande grupp." in response.text
    assert db.session.get(m.Signup, waiting.id).status == m.OFFERED
    assert db.session.get(m.Signup, too_big.id).status == m.WAITLISTED
    offers = [
        mail
        for mail in smtp.wait_for(1)
        if str(mail["To"]) == "next@example.org" and mail["Subject"].startswith("Places offered")
    ]
    assert len(offers) == 1


def test_places_below_the_confirmed_pupils_are_refused_and_nothing_is_sent(logged_in, app):
    exchange = make_exchange(places=10, starts_on=START)
    make_signup(exchange, pupils=8)
    new_start = START + timedelta(days=3)

    response = logged_in.post(
        f"/admin/exchanges/{exchange.id}/edit",
        data=edit_form(
            exchange,
            places=6,
            starts_on=new_start.isoformat(),
            ends_on=(new_start + timedelta(days=2)).isoformat(),
        ),
    )

    assert response.status_code == 422
    assert "8 elever har redan platser" in response.text
    saved = db.session.get(m.Exchange, exchange.id)
    assert (saved.places, saved.starts_on, saved.sequence) == (10, START, 0)
    assert _updated_mails() == 0


def test_bad_dates_on_the_edit_page_are_refused_without_a_mail(logged_in, app):
    exchange = make_exchange(starts_on=START)
    make_signup(exchange)
    for starts_on, ends_on, message in [
        (START.isoformat(), (START - timedelta(days=1)).isoformat(), "Sista dagen kan inte"),
        ("not a date", START.isoformat(), "Inte ett giltigt datum"),
        ("2031-02-30", START.isoformat(), "Inte ett giltigt datum"),
    ]:
        response = logged_in.post(
            f"/admin/exchanges/{exchange.id}/edit",
            data=edit_form(exchange, starts_on=starts_on, ends_on=ends_on),
        )
        assert response.status_code == 422
        assert message in response.text
    assert db.session.get(m.Exchange, exchange.id).sequence == 0
    assert _updated_mails() == 0


def test_a_cancelled_exchange_sends_a_calendar_entry_with_a_higher_sequence(logged_in, app, smtp):
    exchange = make_exchange(starts_on=START)
    _sign_up_through_the_page(logged_in, exchange, "Alfaskolan", "a@example.org", 4)
    smtp.wait_for(1)
    before = _event(smtp.to("a@example.org")[0])

    logged_in.post(
        f"/admin/exchanges/{exchange.id}/edit", data=edit_form(exchange, status="cancelled")
    )

    smtp.wait_for(2)
    after = _event(smtp.to("a@example.org")[-1])
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["STATUS"]) == "CANCELLED"


def test_the_edit_page_tells_the_coordinator_which_changes_are_mailed(logged_in, app):
    exchange = make_exchange()
    page = logged_in.get(f"/admin/exchanges/{exchange.id}/edit").text
    assert "får ett mejl med en uppdaterad kalenderpost" in page
    assert "får ett mejl" not in logged_in.get("/admin/exchanges/new").text


def test_a_new_partner_town_is_named_in_the_mail_with_the_old_one(app):
    from tests.factories import make_partner

    exchange = make_exchange(make_partner("Århus"), starts_on=START)
    signup = make_signup(exchange, language="sv")

    services.change_exchange(exchange, partner_id=make_partner("Lyon").id)
    db.session.commit()

    mail = db.session.scalar(
        sa.select(OutboxMail).where(OutboxMail.dedup_key == f"exchanges:updated:{signup.id}:1")
    )
    assert "Ny vänort: Lyon (tidigare: Århus)." in mail.body_text
    assert b"LOCATION:Lyon" in mail.ics
