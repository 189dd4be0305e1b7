"""In a real browser: lists too long for one screen. The open exchanges in pages, the
dashboard's first rows and a busy calendar day have no WCAG violations, fit 320 px and
lead on by keyboard to the rest."""

from __future__ import annotations

from datetime import date, time, timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.extensions import db
from app.partners.models import Partner
from tests.e2e.conftest import WCAG, log_in
from tests.exchanges.factories import make_exchange
from tests.meetings.factories import make_meeting


def _no_violations(page) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def _fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 800})


def _partner(slug: str) -> Partner:
    return db.session.scalar(db.select(Partner).where(Partner.slug == slug))


def _tab_to(page, link) -> None:
    for _ in range(120):
        page.keyboard.press("Tab")
        if link.evaluate("a => a === document.activeElement"):
            return
    raise AssertionError("the link never took the focus")


def test_the_open_exchanges_page_by_page(page, demo_site):
    first = date.today() + timedelta(days=200)
    for i in range(30):
        make_exchange(
            _partner("aarhus"), title_en=f"Long list {i:02d}", starts_on=first + timedelta(days=i)
        )
    page.goto(f"{demo_site.url}/exchanges/?lang=en")
    nav = page.get_by_role("navigation", name="Pages of open exchanges")
    expect(nav).to_contain_text("Page 1 of 2")
    expect(nav.locator('[aria-current="page"]')).to_have_text("Page 1")
    _no_violations(page)
    _fits_320(page)
    following = nav.get_by_role("link", name="Next page")
    _tab_to(page, following)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Pages of open exchanges")).to_contain_text(
        "Page 2 of 2"
    )
    expect(page.get_by_role("link", name="Long list 29")).to_be_visible()
    _no_violations(page)
    page.goto(f"{demo_site.url}/exchanges/?lang=sv")
    _no_violations(page)


def test_the_dashboard_and_a_busy_calendar_day_lead_to_the_rest(page, demo_site):
    first = date.today() + timedelta(days=200)
    for i in range(12):
        make_exchange(
            _partner("aarhus"), title_en=f"Panel {i:02d}", starts_on=first + timedelta(days=i)
        )
    day = date.today().replace(day=15)
    for i in range(8):
        make_meeting(
            _partner("bergen"),
            title_en=f"Busy {i}",
            start_date=day,
            start_time=time(8 + i),
            end_time=time(8 + i, 30),
        )
    log_in(page, demo_site, "en")
    more = page.locator('[data-more="open_exchanges"] a')
    expect(more).to_contain_text("more open exchanges")
    _no_violations(page)
    page.goto(f"{demo_site.url}/calendar/{day.year}/{day.month}?lang=en")
    rest = page.locator(f'td[data-day="{day.isoformat()}"] .cal-more a')
    expect(rest).to_be_visible()
    _no_violations(page)
    _fits_320(page)
    _tab_to(page, rest)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_attribute("data-day", day.isoformat())
    expect(page.get_by_role("link", name="Busy 7")).to_be_visible()
    _no_violations(page)
    _fits_320(page)
