"""Coordinators: exchanges, groups, the participants' CSV, mail to confirmed schools."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.csvutil import read_excel_csv
from app.exchanges import models as m
from app.extensions import db
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import make_partner


def _exchange_form(partner_id: int, **overrides: object) -> dict:
    data = {
        "partner_id": str(partner_id),
        "title_sv": "Utbyte med Århus",
        "title_en": "Exchange with Aarhus",
        "status": "open",
        "direction": "we_travel",
        "starts_on": "2031-05-04",
        "ends_on": "2031-05-08",
        "places": "24",
        "offer_hours": "72",
        "signup_opens_at": "2031-01-15T08:00",
        "signup_closes_at": "2031-03-01T23:59",
    }
    data.update({k: str(v) for k, v in overrides.items()})
    return data


@pytest.mark.parametrize(
    "path", ["/admin/exchanges/", "/admin/exchanges/new", "/admin/exchanges/reciprocity"]
)
def test_anonymous_visitors_are_sent_to_login(client, app, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_coordinator_creates_an_exchange_with_the_window_in_home_time(logged_in, app):
    partner = make_partner("Århus")
    response = logged_in.post("/admin/exchanges/new", data=_exchange_form(partner.id))
    assert response.status_code == 302
    exchange = db.session.scalar(sa.select(m.Exchange))
    assert exchange.signup_opens_at == datetime(2031, 1, 15, 7, 0, tzinfo=UTC)  # CET
    assert exchange.places == 24 and exchange.status == m.OPEN


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("places", "0", "Ange ett tal från 1 till 10000."),
        ("places", "many", "Ange ett heltal"),
        ("ends_on", "2031-05-01", "Sista dagen kan inte vara före första dagen."),
        ("signup_closes_at", "2031-01-01T08:00", "Anmälan måste stänga efter att den öppnar."),
        ("title_sv", "", "Ange en titel."),
    ],
)
def test_a_bad_exchange_form_is_shown_again_with_the_error(logged_in, app, field, value, message):
    partner = make_partner()
    response = logged_in.post(
        "/admin/exchanges/new", data=_exchange_form(partner.id, **{field: value})
    )
    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Exchange)) == 0


def test_sign_up_closing_after_the_exchange_starts_is_refused_at_its_field(logged_in, app):
    partner = make_partner()
    response = logged_in.post(
        "/admin/exchanges/new",
        data=_exchange_form(partner.id, signup_closes_at="2031-05-04T09:00"),  # the first day
    )
    assert response.status_code == 422
    assert (
        "Anmälan måste stänga innan utbytet börjar: senast kl. 00:00 den 4 maj 2031."
        in response.text
    )
    assert 'id="signup_closes_at-error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Exchange)) == 0
    midnight = _exchange_form(partner.id, signup_closes_at="2031-05-04T00:00")
    assert logged_in.post("/admin/exchanges/new", data=midnight).status_code == 302


def test_places_cannot_be_lowered_below_the_confirmed_pupils(logged_in, app):
    exchange = make_exchange(places=10)
    make_signup(exchange, pupils=8)
    response = logged_in.post(
        f"/admin/exchanges/{exchange.id}/edit",
        data=_exchange_form(exchange.partner_id, places=6, signup_opens_at="2020-01-01T08:00"),
    )
    assert response.status_code == 422
    assert "8 elever har redan platser" in response.text
    assert db.session.get(m.Exchange, exchange.id).places == 10


@pytest.mark.parametrize("left_out", ["signup_opens_at", "signup_closes_at"])
def test_an_edit_that_leaves_out_a_sign_up_time_is_shown_again_with_its_error(
    logged_in, app, left_out
):
    exchange = make_exchange(places=10)
    data = _exchange_form(exchange.partner_id, places=12)
    del data[left_out]
    response = logged_in.post(f"/admin/exchanges/{exchange.id}/edit", data=data)
    assert response.status_code == 422
    assert "Ange datum och tid." in response.text
    assert db.session.get(m.Exchange, exchange.id).places == 10


def test_the_detail_page_lists_groups_and_the_waiting_list_in_order(logged_in, app):
    exchange = make_exchange(places=5)
    make_signup(exchange, school="Alfaskolan", pupils=5)
    make_signup(exchange, school="Betaskolan", pupils=3)
    make_signup(exchange, school="Gammaskolan", pupils=2)
    page = logged_in.get(f"/admin/exchanges/{exchange.id}").text
    assert page.index("Alfaskolan") < page.index("Betaskolan") < page.index("Gammaskolan")
    assert 'data-confirmed-pupils="5"' in page


def test_a_coordinator_cancels_a_group_and_the_next_fitting_one_is_offered(logged_in, app):
    exchange = make_exchange(places=5)
    first = make_signup(exchange, pupils=5)
    waiting = make_signup(exchange, pupils=3)
    response = logged_in.post(
        f"/admin/exchanges/{exchange.id}/signups/{first.id}/cancel",
        data={"reason": "Skolan har dragit sig ur."},
    )
    assert response.status_code == 302
    assert db.session.get(m.Signup, first.id).status == m.SIGNUP_CANCELLED
    assert db.session.get(m.Signup, waiting.id).status == m.OFFERED


def test_cancelling_a_group_is_confirmed_on_its_own_page_with_a_reason(logged_in, app):
    exchange = make_exchange(places=10)
    signup = make_signup(exchange, school="Alfaskolan", pupils=1)
    cancel = f"/admin/exchanges/{exchange.id}/signups/{signup.id}/cancel"
    page = logged_in.get(f"/admin/exchanges/{exchange.id}").text
    assert f'action="{cancel}"' not in page  # no one-click cancel on the list
    assert f'href="{cancel}"' in page
    confirm = logged_in.get(cancel)
    assert confirm.status_code == 200
    assert "Gruppens 1 plats frigörs" in confirm.text
    assert f'action="{cancel}"' in confirm.text and 'name="reason"' in confirm.text
    assert db.session.get(m.Signup, signup.id).status == m.CONFIRMED  # looking changes nothing
    refused = logged_in.post(cancel, data={"reason": "  "})
    assert refused.status_code == 422
    assert "Ange skälet" in refused.text
    db.session.expire_all()
    assert db.session.get(m.Signup, signup.id).status == m.CONFIRMED


def test_the_school_is_mailed_that_the_office_cancelled_and_why(logged_in, app, smtp):
    exchange = make_exchange(places=10)
    sv = make_signup(exchange, school="Alfaskolan", email="alfa@example.org")
    en = make_signup(exchange, school="Betaskolan", email="beta@example.org", language="en")
    for signup, reason in ((sv, "Bussen har bara 40 platser."), (en, "The bus is full.")):
        response = logged_in.post(
            f"/admin/exchanges/{exchange.id}/signups/{signup.id}/cancel", data={"reason": reason}
        )
        assert response.status_code == 302
    smtp.wait_for(2)
    (mail,) = smtp.to("alfa@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert "Internationella kontoret har avbokat anmälan från Alfaskolan" in text
    assert "Bussen har bara 40 platser." in text
    assert "Bussen har bara 40 platser." in mail.get_body(("html",)).get_content()
    (mail,) = smtp.to("beta@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert "The international office has cancelled the sign-up of Betaskolan" in text
    assert "The bus is full." in text


def test_the_offices_reason_is_kept_in_the_audit_log_and_a_second_cancel_changes_nothing(
    logged_in, app, smtp
):
    from app.audit import AuditEntry

    exchange = make_exchange(places=10)
    signup = make_signup(exchange, school="Alfaskolan", email="alfa@example.org")
    cancel = f"/admin/exchanges/{exchange.id}/signups/{signup.id}/cancel"
    assert logged_in.post(cancel, data={"reason": "Bussen är full."}).status_code == 302
    log = logged_in.get("/admin/audit/?lang=sv").text
    assert "Anmälan från Alfaskolan avbokad av kontoret: Bussen är full." in log
    again = logged_in.post(cancel, data={"reason": "Ett annat skäl."}, follow_redirects=True)
    assert "redan avbokad" in again.text or "already cancelled" in again.text
    assert "Ett annat skäl." not in str(
        [e.message for e in db.session.scalars(sa.select(AuditEntry))]
    )
    assert len(smtp.to("alfa@example.org")) == 1


def test_a_coordinator_cannot_confirm_a_group_that_does_not_fit(logged_in, app):
    exchange = make_exchange(places=5)
    make_signup(exchange, pupils=4)
    waiting = make_signup(exchange, pupils=3)
    response = logged_in.post(
        f"/admin/exchanges/{exchange.id}/signups/{waiting.id}/confirm", follow_redirects=True
    )
    assert "Gruppen får inte plats: bara 1 plats är ledig." in response.text
    assert db.session.get(m.Signup, waiting.id).status == m.WAITLISTED


def test_a_coordinator_moves_a_group_to_another_exchange(logged_in, app):
    partner = make_partner()
    source, target = make_exchange(partner), make_exchange(partner)
    signup = make_signup(source, pupils=4)
    response = logged_in.post(
        f"/admin/exchanges/{source.id}/signups/{signup.id}/move", data={"target": str(target.id)}
    )
    assert response.status_code == 302
    assert db.session.get(m.Signup, signup.id).exchange_id == target.id


def test_the_move_choices_follow_the_coordinators_language(logged_in, app):
    partner = make_partner()
    source = make_exchange(partner, title_sv="Utbyte med Århus", title_en="Exchange with Aarhus")
    make_exchange(partner, title_sv="Körresa till Lyon", title_en="Choir trip to Lyon")
    make_signup(source, pupils=4)
    english = logged_in.get(f"/admin/exchanges/{source.id}?lang=en").text
    assert ">Choir trip to Lyon (" in english
    assert "Körresa till Lyon" not in english
    swedish = logged_in.get(f"/admin/exchanges/{source.id}?lang=sv").text
    assert ">Körresa till Lyon (" in swedish


def test_the_participants_csv_is_excel_safe(logged_in, app):
    exchange = make_exchange()
    make_signup(exchange, school='=HYPERLINK("http://evil")', pupils=3)
    make_signup(exchange, school="Åkerskolan", pupils=2)
    response = logged_in.get(f"/admin/exchanges/{exchange.id}/participants.csv")
    assert response.mimetype == "text/csv"
    rows = read_excel_csv(response.data)
    assert rows[0][:2] == ["Skola", "Typ av skola"]
    schools = sorted(r[0] for r in rows[1:])
    assert schools == ['\'=HYPERLINK("http://evil")', "Åkerskolan"]


def test_a_message_reaches_every_confirmed_school_and_no_waiting_one(logged_in, app, smtp):
    exchange = make_exchange(places=5)
    make_signup(exchange, pupils=3, email="a@example.org")
    make_signup(exchange, pupils=2, email="b@example.org")
    make_signup(exchange, pupils=4, email="waiting@example.org")
    response = logged_in.post(
        f"/admin/exchanges/{exchange.id}/message",
        data={"subject": "Packlista", "message": "Glöm inte passet."},
    )
    assert response.status_code == 302
    smtp.wait_for(2)
    assert sorted((str(msg["To"]), msg["Subject"]) for msg in smtp.messages) == [
        ("a@example.org", "Packlista"),
        ("b@example.org", "Packlista"),
    ]


def test_a_message_skips_schools_whose_contact_was_erased(logged_in, app, smtp):
    from app.exchanges.notices import mail_confirmed
    from app.records.erasure import erase_signup

    exchange = make_exchange(places=5)
    make_signup(exchange, pupils=3, email="a@example.org")
    erased = make_signup(exchange, pupils=2, email="b@example.org")
    erase_signup(erased, datetime.now(UTC))
    db.session.commit()
    assert mail_confirmed(exchange, "Packlista", "Glöm inte passet.") == 1
    db.session.commit()
    smtp.wait_for(1)
    assert [str(msg["To"]) for msg in smtp.messages] == ["a@example.org"]


def test_an_empty_message_is_refused(logged_in, app):
    exchange = make_exchange()
    response = logged_in.post(
        f"/admin/exchanges/{exchange.id}/message", data={"subject": "", "message": ""}
    )
    assert response.status_code == 422
    assert "Ange en ämnesrad." in response.text


def test_reciprocity_shows_a_table_and_an_accessible_chart(logged_in, app):
    exchange = make_exchange(make_partner("Lyon"), direction=m.BOTH, incoming_pupils=9)
    make_signup(exchange, pupils=4)
    page = logged_in.get("/admin/exchanges/reciprocity").text
    assert 'data-sent="4"' in page and 'data-received="9"' in page
    assert 'class="chart chart-reciprocity' in page and 'role="img"' in page and "<desc" in page


def test_the_same_message_sent_again_later_goes_out_again_but_not_twice_at_once(app):
    from datetime import timedelta

    from app.exchanges.notices import mail_confirmed
    from app.mail import OutboxMail
    from app.timeutil import utcnow

    exchange = make_exchange(places=5)
    make_signup(exchange, pupils=3, email="a@example.org")
    now = utcnow()
    mail_confirmed(exchange, "Påminnelse", "Glöm inte passet.", now=now)
    mail_confirmed(exchange, "Påminnelse", "Glöm inte passet.", now=now)  # a double click
    mail_confirmed(exchange, "Påminnelse", "Glöm inte passet.", now=now + timedelta(days=7))
    db.session.commit()
    subjects = db.session.scalars(
        sa.select(OutboxMail.subject).where(OutboxMail.to_addr == "a@example.org")
    ).all()
    assert subjects.count("Påminnelse") == 2


def test_an_exchange_in_the_year_9999_is_refused_on_the_form(logged_in, app):
    partner = make_partner("Lyon")
    response = logged_in.post(
        "/admin/exchanges/new?lang=en",
        data={
            "partner_id": str(partner.id),
            "title_sv": "Utbyte",
            "starts_on": "9999-05-01",
            "ends_on": "9999-05-08",
            "places": "10",
        },
    )
    assert response.status_code == 422
    assert "Give a year between 1900 and 2200." in response.get_data(as_text=True)
