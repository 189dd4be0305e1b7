"""In a real browser: a school signs up, then cancels through the link that was mailed."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.exchanges import models as m
from app.extensions import db
from tests.e2e.conftest import WCAG
from tests.exchanges.factories import make_exchange


@pytest.fixture
def backend():
    """Browser tests run on SQLite; the database half is covered elsewhere."""
    return "sqlite"


def _no_violations(page) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def test_a_school_signs_up_and_cancels_through_the_mailed_link(page, live_server, smtp, app):
    app.config["PUBLIC_BASE_URL"] = live_server.url
    exchange = make_exchange(places=20, title_sv="Utbyte med Århus")
    page.goto(f"{live_server.url}/exchanges/{exchange.id}")
    _no_violations(page)
    page.get_by_label("Skola", exact=True).fill("Hvitfeldtska gymnasiet")
    page.get_by_label("Kontaktperson", exact=True).fill("Anna Lärare")
    page.get_by_label("Kontaktpersonens e-post").fill("anna@hvitfeldtska.example.org")
    page.get_by_label("Elever som reser").fill("4")
    page.get_by_label("Medföljande lärare").fill("1")
    page.get_by_role("button", name="Anmäl").click()
    assert page.locator('[data-signup-status="confirmed"]').count() == 1
    _no_violations(page)

    smtp.wait_for(1)
    (mail,) = smtp.to("anna@hvitfeldtska.example.org")
    assert mail["Subject"] == "Bekräftad: Utbyte med Århus"
    text = mail.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(live_server.url)}/signups/\S+", text).group(0)

    page.goto(link)
    assert page.get_by_role("heading", name="Er anmälan").is_visible()
    _no_violations(page)
    page.get_by_role("link", name="Avboka anmälan").click()
    assert page.get_by_role("heading", name="Avboka anmälan?").is_visible()
    page.get_by_role("button", name="Ja, avboka anmälan").click()
    assert page.locator('[data-signup-status="cancelled"]').count() == 1
    db.session.rollback()  # end the test's own read snapshot
    assert db.session.scalar(db.select(m.Signup.status)) == m.SIGNUP_CANCELLED

    response = page.goto(link)
    assert response.status == 404
    assert page.get_by_text("Länken fungerar inte längre").is_visible()
    _no_violations(page)


def test_bad_input_in_the_browser_is_announced_next_to_the_field(page, live_server, app):
    exchange = make_exchange(places=20)
    page.goto(f"{live_server.url}/exchanges/{exchange.id}?lang=en")
    page.get_by_label("School", exact=True).fill("Hvitfeldtska gymnasiet")
    page.get_by_label("Contact person", exact=True).fill("Anna")
    page.get_by_label("Contact e-mail").fill("anna@")
    page.get_by_label("Pupils travelling").fill("0")
    page.get_by_label("Accompanying teachers").fill("1")
    page.get_by_role("button", name="Sign up").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Pupils travelling").get_attribute("aria-invalid") == "true"
    _no_violations(page)


def test_the_link_page_after_the_office_cancelled_says_why_and_passes_axe(page, live_server, app):
    from app.exchanges import links, services
    from tests.exchanges.factories import make_signup

    exchange = make_exchange(places=20, title_en="Exchange with Aarhus")
    signup = make_signup(exchange, school="Betaskolan", language="en")
    link = f"{live_server.url}{links.signup_path(signup)}"
    services.cancel_signup(signup, reason="Bussen är full.", reason_en="The bus is full.")
    db.session.commit()
    page.goto(link)
    assert page.get_by_role("heading", name="The office cancelled your sign-up").is_visible()
    assert page.locator("[data-cancel-reason]").inner_text() == "The bus is full."
    _no_violations(page)
