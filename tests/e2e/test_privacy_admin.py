"""The workspace's personal-data page with an address looked up (its table of what is held,
the export and the erasure form, and a refused confirmation) passes axe and fits 320 px."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import WCAG, log_in


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_personal_data_page_with_an_address_passes_axe_at_320_px(page, demo_site, lang):
    log_in(page, demo_site, lang)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{demo_site.url}/admin/privacy/?lang={lang}")
    page.locator("#email").fill("coordinator@example.org")
    page.locator("#email").press("Enter")
    expect(page.locator("[data-held-total]")).to_be_visible()
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    page.locator("#confirm_email").fill("someone.else@example.org")
    page.locator("form[action*='/erase'] button").click()
    expect(page.locator(".error-summary")).to_be_focused()
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_disposal_rules_page_and_a_refused_period_pass_axe_at_320_px(page, demo_site, lang):
    log_in(page, demo_site, lang)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{demo_site.url}/admin/retention/?lang={lang}")
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    page.locator("#school_contacts-months").fill("5000")
    page.locator("#rule-school_contacts button").click()
    expect(page.locator(".error-summary")).to_be_focused()
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
