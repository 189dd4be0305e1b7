"""In a real browser: the month page of the demo data at a phone's width, by keyboard."""

from __future__ import annotations

from playwright.sync_api import expect

from app.meetings.occurrences import upcoming_occurrences
from app.partners.services import home_timezone
from app.timeutil import to_local, utcnow


def test_the_month_of_the_next_nordic_meeting_fits_320_px_and_moves_by_keyboard(page, demo_site):
    nordic = next(o for o in upcoming_occurrences(utcnow()) if o.is_series)
    day = to_local(nordic.start, home_timezone()).date()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{demo_site.url}/calendar/{day.year}/{day.month}?lang=en")

    cell = page.locator(f'td[data-day="{day.isoformat()}"]')
    expect(cell.get_by_role("link", name="Nordic twin town meeting")).to_be_visible()
    expect(cell).to_contain_text(f"host: {nordic.host.name}")
    expect(page.locator('td[data-day][class*="cal-empty"]').first).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    next_link = page.get_by_role("link", name="Next month")
    for _ in range(60):  # Tab through the page until the link has the focus
        page.keyboard.press("Tab")
        if next_link.evaluate("link => link === document.activeElement"):
            break
    else:
        raise AssertionError("the link to the next month never took the focus")
    outline = next_link.evaluate("link => getComputedStyle(link).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    following = (day.year + day.month // 12, day.month % 12 + 1)
    expect(page.locator("h1")).to_have_attribute("data-month", str(following[1]))
    expect(page.locator("h1")).to_have_attribute("data-year", str(following[0]))
