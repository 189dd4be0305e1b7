"""In a real browser: a partner page lists what is coming and offers its feed to copy."""

from __future__ import annotations

from datetime import date

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import WCAG
from tests.exchanges.factories import make_exchange
from tests.meetings.factories import make_meeting, make_nordic_partners


def test_a_partner_page_offers_its_feed_and_copies_the_address(page, app, live_server):
    partners = make_nordic_partners()
    make_meeting(partners["bergen"], title_sv="Hamnbesök", start_date=date(2040, 3, 12))
    make_exchange(partners["bergen"], title_sv="Utbyte i Bergen")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/partners/bergen")

    expect(page.get_by_role("link", name="Hamnbesök")).to_be_visible()
    expect(page.get_by_role("link", name="Utbyte i Bergen")).to_be_visible()
    block = page.get_by_role("region", name="Följ i din kalender")
    expect(block.get_by_role("link", name="Prenumerera i din kalenderapp")).to_have_attribute(
        "href", "webcal://planner.example.org/calendar/partners/bergen.ics"
    )
    expect(block.get_by_role("link", name="Lägg till i Google Kalender")).to_be_visible()
    expect(block.get_by_role("link", name="Lägg till i Outlook")).to_be_visible()
    field = block.get_by_label("Kalenderns adress")
    expect(field).to_have_value("http://planner.example.org/calendar/partners/bergen.ics")

    block.get_by_role("button", name="Kopiera").click()  # shown by the script
    expect(block.get_by_role("status")).to_have_text("Adressen är kopierad.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "http://planner.example.org/calendar/partners/bergen.ics"

    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
