"""The public pages: sign-up answers, bad input, a school's own link, the JSON API."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.exchanges import links, services
from app.exchanges import models as m
from app.extensions import db
from app.timeutil import utcnow
from tests.exchanges.factories import make_exchange, make_signup, signup_form

LINK_RE = re.compile(r'href="(/signups/[^"?]+)')


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _link_of(signup: m.Signup) -> str:
    return links.signup_path(signup)


def test_the_exchange_page_shows_places_left_and_the_order_rule(client, app):
    exchange = make_exchange(places=12)
    make_signup(exchange, pupils=5)
    page = client.get(f"/exchanges/{exchange.id}?lang=en").text
    assert 'data-places-left="7"' in page
    assert "first come, first served" in page
    assert 'name="school_name"' in page and 'name="students"' in page


def test_the_list_shows_open_exchanges_with_places_left(client, app):
    make_exchange(places=12, title_sv="Utbyte med Lyon")
    make_exchange(status=m.DRAFT, title_sv="Hemligt utkast")
    page = client.get("/exchanges/").text
    assert "Utbyte med Lyon" in page and 'data-places-left="12"' in page
    assert "Hemligt utkast" not in page


def test_a_draft_exchange_is_not_shown(client, app):
    exchange = make_exchange(status=m.DRAFT)
    assert client.get(f"/exchanges/{exchange.id}").status_code == 404


def test_a_group_that_fits_is_told_it_is_confirmed_with_its_link(client, app):
    exchange = make_exchange(places=10)
    response = client.post(f"/exchanges/{exchange.id}/signup?lang=en", data=signup_form(students=4))
    assert response.status_code == 303  # post/redirect/get: a reload never posts again
    response = client.get(response.location)
    assert response.status_code == 200
    assert 'data-signup-status="confirmed"' in response.text
    assert "4 pupils have places" in response.text
    link = LINK_RE.search(response.text).group(1)
    assert client.get(link).status_code == 200
    signup = db.session.scalar(sa.select(m.Signup))
    assert signup.language == "en" and signup.contact_email == "anna@hvitfeldtska.example.org"


def test_a_group_that_does_not_fit_is_told_it_waits(client, app):
    exchange = make_exchange(places=10)
    make_signup(exchange, pupils=8)
    response = client.post(
        f"/exchanges/{exchange.id}/signup", data=signup_form(students=4), follow_redirects=True
    )
    assert response.status_code == 200
    assert 'data-signup-status="waitlisted"' in response.text
    assert "/signups/" in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("students", "0", "Ange ett antal elever från 1 till 500."),
        ("students", "-3", "Ange ett antal elever från 1 till 500."),
        ("students", "fyra", "Ange ett heltal, till exempel 4."),
        ("students", "1e3", "Ange ett heltal, till exempel 4."),
        ("students", "99999999999999999999", "Ange ett heltal, till exempel 4."),
        ("students", "100000", "Ange ett antal elever från 1 till 500."),
        ("students", "", "Ange antalet elever."),
        ("teachers", "0", "Ange ett antal lärare från 1 till 50."),
        ("teachers", "-1", "Ange ett antal lärare från 1 till 50."),
        ("teachers", "två", "Ange ett heltal, till exempel 4."),
        ("teachers", "5000", "Ange ett antal lärare från 1 till 50."),
        ("contact_email", "anna@", "Ange en e-postadress som namn@skola.example.org."),
        ("contact_email", "not an address", "Ange en e-postadress som namn@skola.example.org."),
        ("school_name", "x" * 10_000, "Namnet får vara högst 200 tecken långt."),
        ("school_name", "   ", "Ange skolans namn."),
        ("contact_name", "", "Ange kontaktpersonens namn."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_no_row(client, app, field, value, message):
    exchange = make_exchange(places=30)
    data = signup_form()
    data[field] = value
    response = client.post(f"/exchanges/{exchange.id}/signup", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert _count(m.Signup) == 0 and _count(m.School) == 0


def test_bad_input_is_explained_in_english_to_an_english_page(client, app):
    exchange = make_exchange()
    response = client.post(
        f"/exchanges/{exchange.id}/signup?lang=en", data=signup_form(students="-2")
    )
    assert response.status_code == 422
    assert "Enter a number of pupils from 1 to 500." in response.text


def test_a_group_larger_than_the_exchange_is_refused(client, app):
    exchange = make_exchange(places=20)
    response = client.post(f"/exchanges/{exchange.id}/signup", data=signup_form(students=25))
    assert response.status_code == 422
    assert "20 platser" in response.text
    assert _count(m.Signup) == 0


def test_a_group_over_the_cap_per_school_is_refused(client, app):
    exchange = make_exchange(places=20, cap_per_school=6)
    response = client.post(f"/exchanges/{exchange.id}/signup", data=signup_form(students=7))
    assert response.status_code == 422
    assert "högst 6 elever" in response.text
    assert _count(m.Signup) == 0


def test_sign_up_before_the_window_opens_is_refused(client, app):
    now = utcnow()
    exchange = make_exchange(
        signup_opens_at=now + timedelta(days=2), signup_closes_at=now + timedelta(days=9)
    )
    response = client.post(f"/exchanges/{exchange.id}/signup", data=signup_form())
    assert response.status_code == 422
    assert "Anmälan har inte öppnat ännu" in response.text
    assert _count(m.Signup) == 0 and _count(m.School) == 0


def test_sign_up_after_the_window_closes_is_refused(client, app):
    now = utcnow()
    exchange = make_exchange(
        signup_opens_at=now - timedelta(days=9), signup_closes_at=now - timedelta(minutes=1)
    )
    response = client.post(f"/exchanges/{exchange.id}/signup", data=signup_form())
    assert response.status_code == 422
    assert "Anmälan stängde" in response.text
    assert _count(m.Signup) == 0


def test_sign_up_to_a_cancelled_exchange_is_refused(client, app):
    exchange = make_exchange(status=m.CANCELLED)
    response = client.post(f"/exchanges/{exchange.id}/signup", data=signup_form())
    assert response.status_code == 422
    assert "Utbytet är inställt" in response.text
    assert _count(m.Signup) == 0


def test_sign_up_to_a_draft_exchange_is_refused(client, app):
    exchange = make_exchange(status=m.DRAFT)
    response = client.post(f"/exchanges/{exchange.id}/signup", data=signup_form())
    assert response.status_code == 404
    assert "Utbytet är inte öppet för anmälan." in response.text
    assert _count(m.Signup) == 0


def test_a_sign_up_without_or_with_a_stale_csrf_token_is_refused(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    exchange = make_exchange()
    missing = client.post(f"/exchanges/{exchange.id}/signup", data=signup_form())
    stale = client.post(
        f"/exchanges/{exchange.id}/signup", data=signup_form(csrf_token="IjEyMyI.old.token")
    )
    for response in (missing, stale):
        assert response.status_code == 400
        assert "Formuläret har gått ut" in response.text
    assert _count(m.Signup) == 0


def test_a_sign_up_with_the_page_csrf_token_goes_through(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    exchange = make_exchange()
    page = client.get(f"/exchanges/{exchange.id}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/exchanges/{exchange.id}/signup",
        data=signup_form(csrf_token=token),
        follow_redirects=True,
    )
    assert 'data-signup-status="confirmed"' in response.text


def test_the_same_school_and_address_again_is_sent_its_link_and_the_page_says_nothing(
    client, app, smtp
):
    exchange = make_exchange()
    make_signup(exchange, school="Hvitfeldtska gymnasiet", email="kansli@hvf.example.org")
    response = client.post(
        f"/exchanges/{exchange.id}/signup",
        data=signup_form("hvitfeldtska GYMNASIET", contact_email="kansli@hvf.example.org"),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "kansli@hvf.example.org" in response.text  # the address the school typed
    assert 'data-signup-status="check-mail"' in response.text
    assert "/signups/" not in response.text
    assert "redan" not in response.text.lower()  # never "already signed up" on the page
    smtp.wait_for(1)
    (mail,) = smtp.to("kansli@hvf.example.org")
    assert mail["Subject"].startswith("Er anmälan till")


def test_a_stranger_under_a_schools_name_neither_blocks_nor_learns_nor_takes_over(
    client, app, smtp
):
    exchange = make_exchange()
    school = make_signup(exchange, school="Hvitfeldtska gymnasiet", email="kansli@hvf.example.org")
    school_link = _link_of(school)
    stranger = client.post(
        f"/exchanges/{exchange.id}/signup",
        data=signup_form("  HVITFELDTSKA   Gymnasiet ", contact_email="stranger@example.org"),
        follow_redirects=True,
    )
    assert stranger.status_code == 200
    assert 'data-signup-status="confirmed"' in stranger.text  # like any new sign-up
    assert "hvf.example.org" not in stranger.text and "k***" not in stranger.text
    assert smtp.to("kansli@hvf.example.org") == []
    assert client.get(school_link).status_code == 200  # the school's own link still works
    assert _count(m.Signup) == 2
    from tests.factories import make_coordinator

    make_coordinator("office@example.org")
    client.post("/login", data={"email": "office@example.org", "password": "correct horse battery"})
    page = client.get(f"/admin/exchanges/{exchange.id}").text
    assert page.count('data-possible-duplicate="true"') == 2


def test_a_tampered_link_is_a_plain_page_not_an_error(client, app):
    exchange = make_exchange()
    link = _link_of(make_signup(exchange))
    for bad in (link[:-3] + "xyz", "/signups/nonsense", "/signups/" + "a" * 3000):
        response = client.get(bad)
        assert response.status_code == 404
        assert "Länken är inte giltig" in response.text


def test_a_cancelled_link_says_so_in_the_school_language(client, app):
    exchange = make_exchange()
    signup = make_signup(exchange, language="en")
    link = _link_of(signup)
    services.cancel_signup(signup)
    db.session.commit()
    response = client.get(link, headers={"Accept-Language": "sv"})
    assert response.status_code == 404
    assert "no longer works because the sign-up was cancelled" in response.text
    assert client.post(link + "/cancel").status_code == 404


def test_a_later_visit_after_the_office_cancelled_says_so_and_why_in_the_school_language(
    logged_in, app
):
    exchange = make_exchange(title_sv="Utbyte med Århus", title_en="Exchange with Aarhus")
    sv = make_signup(exchange, school="Alfaskolan", language="sv")
    en = make_signup(exchange, school="Betaskolan", language="en")
    links_of = {s.id: _link_of(s) for s in (sv, en)}
    for signup in (sv, en):
        response = logged_in.post(
            f"/admin/exchanges/{exchange.id}/signups/{signup.id}/cancel",
            data={"reason": "Bussen har bara 40 platser.", "reason_en": "The bus seats only 40."},
        )
        assert response.status_code == 302
    logged_in.post("/logout")

    swedish = logged_in.get(links_of[sv.id], headers={"Accept-Language": "en"})
    assert swedish.status_code == 404
    text = " ".join(swedish.text.split())
    assert "Internationella kontoret har avbokat anmälan från Alfaskolan" in text
    assert "Utbyte med Århus" in text
    assert "Bussen har bara 40 platser." in text and "The bus seats only 40." not in text

    english = " ".join(logged_in.get(links_of[en.id]).text.split())
    assert "The international office has cancelled the sign-up of Betaskolan" in english
    assert "Exchange with Aarhus" in english
    assert "The bus seats only 40." in english and "Bussen har bara" not in english


def test_an_office_reason_in_one_language_reaches_a_school_in_the_other(logged_in, app):
    exchange = make_exchange()
    signup = make_signup(exchange, language="en")
    link = _link_of(signup)
    logged_in.post(
        f"/admin/exchanges/{exchange.id}/signups/{signup.id}/cancel",
        data={"reason": "Bussen är full."},
    )
    text = logged_in.get(link).text
    assert "The international office has cancelled" in text and "Bussen är full." in text


def test_a_link_to_an_exchange_that_is_over_has_expired(client, app):
    exchange = make_exchange()
    link = _link_of(make_signup(exchange))
    exchange.starts_on, exchange.ends_on = date(2020, 1, 1), date(2020, 1, 5)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400
    assert "Länken har gått ut" in response.text


def test_the_school_page_is_in_the_language_the_school_used(client, app):
    exchange = make_exchange()
    link = _link_of(make_signup(exchange, language="en"))
    response = client.get(link, headers={"Accept-Language": "sv"})
    assert "Your sign-up" in response.text


def test_a_rise_that_does_not_fit_is_refused_on_the_school_page(client, app):
    exchange = make_exchange(places=10)
    signup = make_signup(exchange, pupils=4)
    make_signup(exchange, pupils=5)
    response = client.post(_link_of(signup) + "/change", data={"students": "6", "teachers": "1"})
    assert response.status_code == 422
    assert "Bara 1 plats till är ledig" in response.text
    assert db.session.get(m.Signup, signup.id).pupils == 4


def test_a_change_with_bad_numbers_is_refused(client, app):
    exchange = make_exchange(places=10)
    signup = make_signup(exchange, pupils=4)
    response = client.post(_link_of(signup) + "/change", data={"students": "-4", "teachers": "x"})
    assert response.status_code == 422
    assert "Ange ett heltal" in response.text
    assert db.session.get(m.Signup, signup.id).pupils == 4


def test_a_school_lowers_its_numbers_through_its_link(client, app):
    exchange = make_exchange(places=10)
    signup = make_signup(exchange, pupils=4)
    response = client.post(_link_of(signup) + "/change", data={"students": "2", "teachers": "1"})
    assert response.status_code == 302
    assert db.session.get(m.Signup, signup.id).pupils == 2


def test_a_cancellation_offers_the_places_by_mail_and_the_group_accepts(client, app, smtp):
    exchange = make_exchange(places=10)
    leaving = make_signup(exchange, pupils=5)
    make_signup(exchange, pupils=5)
    make_signup(exchange, pupils=6, email="big@example.org")
    waiting = make_signup(exchange, pupils=4, email="next@example.org", language="en")
    response = client.post(_link_of(leaving) + "/cancel")
    assert response.status_code == 303
    response = client.get(response.location)
    assert response.status_code == 200
    assert 'data-signup-status="cancelled"' in response.text
    smtp.wait_for(2)  # the cancellation, and the offer to the first group that fits
    (offer,) = smtp.to("next@example.org")
    assert offer["Subject"].startswith("Places offered")
    text = offer.get_body(("plain",)).get_content()
    assert "72" in text or "(Europe/Stockholm)" in text
    assert smtp.to("big@example.org") == []  # first in the queue, but too big
    link = re.search(r"http://planner\.example\.org(/signups/\S+)", text).group(1)
    assert client.post(link + "/accept").status_code == 302
    assert db.session.get(m.Signup, waiting.id).status == m.CONFIRMED
    assert client.get(link).status_code == 200


def test_the_api_lists_public_exchanges_with_places_left(client, app):
    exchange = make_exchange(places=30, title_sv="Utbyte", title_en="Exchange")
    make_signup(exchange, pupils=4)
    make_exchange(status=m.DRAFT)
    (item,) = client.get("/api/v1/exchanges?lang=en").json
    assert {k: item[k] for k in ("id", "title", "places", "places_left", "status")} == {
        "id": exchange.id,
        "title": "Exchange",
        "places": 30,
        "places_left": 26,
        "status": "open",
    }
    assert item["partner"] == exchange.partner.slug
    assert item["starts_on"] == exchange.starts_on.isoformat()
    assert item["ends_on"] == exchange.ends_on.isoformat()


def test_the_sign_up_answer_survives_a_reload_and_a_language_switch(client, app):
    exchange = make_exchange(places=10)
    posted = client.post(f"/exchanges/{exchange.id}/signup?lang=en", data=signup_form(students=1))
    assert posted.status_code == 303
    answer = posted.location
    for _reload in range(2):
        page = client.get(answer)
        assert page.status_code == 200 and 'data-signup-status="confirmed"' in page.text
    assert _count(m.Signup) == 1  # reloading signed nobody up again
    swedish = re.search(r'<a\s[^>]*href="([^"]+)"[^>]*hreflang="sv"', page.text).group(1)
    page = client.get(swedish)
    assert page.status_code == 200
    assert "Status: bekräftad. 1 elev har plats" in page.text


def test_a_school_confirms_on_a_page_of_its_own_before_its_sign_up_is_cancelled(client, app):
    exchange = make_exchange(places=10)
    signup = make_signup(exchange, pupils=4)
    link = _link_of(signup)
    page = client.get(link).text
    assert f'action="{link}/cancel"' not in page  # no one-click cancel
    assert f'href="{link}/cancel"' in page
    confirm = client.get(f"{link}/cancel")
    assert confirm.status_code == 200
    assert "Er grupps 4 platser går till nästa grupper i kön" in confirm.text
    assert "Länken slutar fungera" in confirm.text
    assert f'action="{link}/cancel"' in confirm.text
    assert db.session.get(m.Signup, signup.id).status == m.CONFIRMED
    done = client.post(f"{link}/cancel")
    assert done.status_code == 303
    assert 'data-signup-status="cancelled"' in client.get(done.location).text
    assert db.session.get(m.Signup, signup.id).status == m.SIGNUP_CANCELLED
