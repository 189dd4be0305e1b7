"""In a real browser: a school signs up, then cancels through the link that was mailed."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.exchanges import models as m
from app.extensions import db
from tests.e2e.conftest import scanned_in
from tests.exchanges.factories import make_exchange

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


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


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_exchange_pages_have_no_wcag_violations(page, live_server, app, lang):
    from app.exchanges.queries import open_exchanges
    from tests.conftest import seed_demo
    from tests.factories import make_coordinator

    seed_demo("goteborg")
    db.session.commit()
    make_coordinator("office@example.org")
    exchange_ids = [e.id for e in open_exchanges()]
    paths = ["/exchanges/", *(f"/exchanges/{i}" for i in exchange_ids), "/signups/bad-token"]
    page.goto(f"{live_server.url}/login?lang={lang}")
    page.locator("input[name=email]").fill("office@example.org")
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/admin/**")
    paths += [
        "/admin/exchanges/",
        "/admin/exchanges/new",
        "/admin/exchanges/reciprocity",
        *(f"/admin/exchanges/{i}" for i in exchange_ids),
        f"/admin/exchanges/{exchange_ids[0]}/edit",
    ]
    problems = {}
    for path in scanned_in(lang, paths):
        page.goto(f"{live_server.url}{path}?lang={lang}")
        assert "/login" not in page.url
        results = Axe().run(page, options=WCAG)
        if results.violations_count:
            problems[path] = results.generate_report()
    assert not problems, "\n".join(f"{p}:\n{r}" for p, r in problems.items())
