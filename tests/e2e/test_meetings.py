"""In a real browser: a coordinator creates and moves meetings; the public page shows them."""

from __future__ import annotations

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.meetings.occurrences import series_occurrences
from tests.e2e.conftest import WCAG
from tests.factories import PASSWORD
from tests.meetings.factories import make_meeting, make_nordic_partners, make_series


@pytest.fixture
def site(app, live_server, coordinator):
    partners = make_nordic_partners()
    rotation = [partners[s] for s in ("goteborg", "aarhus", "turku", "bergen")]
    series = make_series(rotation, first_date=date(2040, 6, 10))
    meeting = make_meeting(partners["aarhus"], start_date=date(2040, 3, 12))
    live_server.partners, live_server.series, live_server.meeting = partners, series, meeting
    return live_server


def log_in(page, site, coordinator) -> None:
    page.goto(f"{site.url}/login")
    page.fill("#email", coordinator.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{site.url}/admin/")


def test_a_coordinator_creates_a_meeting_and_the_public_page_shows_it(page, site, coordinator):
    log_in(page, site, coordinator)
    page.goto(f"{site.url}/admin/meetings/new")
    page.get_by_label("Titel på svenska").fill("Delegationsbesök från Shanghai")
    page.get_by_label("Titel på engelska").fill("Delegation visit from Shanghai")
    page.get_by_label("Partner eller nätverk").select_option(label="Bergen")
    page.get_by_label("Plats", exact=True).fill("Stadshuset")
    page.get_by_label("Tidszon").fill("Asia/Shanghai")
    page.get_by_label("Startdatum").fill("2040-01-10")
    page.get_by_label("Lokal starttid").fill("09:30")
    page.get_by_label("Lokal sluttid").fill("17:00")
    page.get_by_label("Publicerat").check()
    page.get_by_role("button", name="Spara").click()
    assert "Mötet har sparats." in page.content()

    page.goto(f"{site.url}/meetings/")
    row = page.locator("tr", has_text="Delegationsbesök från Shanghai")
    assert "tisdag 10 januari 2040 09:30" in row.inner_text()
    assert "Asia/Shanghai" in row.inner_text()
    assert "Tid i Göteborg: tisdag 10 januari 2040 02:30" in row.inner_text()


def test_a_coordinator_moves_a_meeting_of_the_series_and_the_public_page_shows_it(
    page, site, coordinator
):
    series = site.series
    first = series_occurrences(series, through=date(2050, 1, 1))[0]
    log_in(page, site, coordinator)
    page.goto(f"{site.url}/admin/meetings/series/{series.id}")
    page.get_by_role("link", name="Flytta").first.click()
    page.get_by_label("Nytt datum").fill("2040-06-12")
    page.get_by_label("Ny lokal starttid").fill("13:30")
    page.get_by_label("Ny plats").fill("Frihamnen")
    page.get_by_label("Skäl på svenska").fill("Fotbollscupen")
    page.get_by_role("button", name="Flytta mötet").click()
    assert "Mötet har flyttats." in page.content()

    page.goto(f"{site.url}/meetings/")
    row = page.locator(f'tr[data-uid^="meeting-series-{series.id}-{first.key}@"]')
    text = row.inner_text()
    assert "tisdag 12 juni 2040 13:30" in text and "Frihamnen" in text and "Flyttat" in text


def test_a_bad_form_is_shown_again_with_its_errors_announced(page, site, coordinator):
    log_in(page, site, coordinator)
    page.goto(f"{site.url}/admin/meetings/series/new")
    page.get_by_label("Titel på svenska").fill("Nordiskt möte")
    page.get_by_label("Intervall (N)").fill("0")
    page.get_by_label("Första datum").fill("2040-06-10")
    page.get_by_label("Lokal starttid").fill("10:00")
    page.get_by_role("button", name="Spara").click()
    alert = page.get_by_role("alert")
    assert "Välj minst en värd för turordningen." in alert.inner_text()
    assert Axe().run(page, options=WCAG).violations_count == 0


def test_a_coordinator_cancels_a_meeting_and_its_public_page_says_so(page, site, coordinator):
    log_in(page, site, coordinator)
    page.goto(f"{site.url}/admin/meetings/meeting/{site.meeting.id}")
    page.get_by_role("link", name="Ställ in mötet").click()
    page.get_by_role("button", name="Ställ in mötet").click()
    assert "Ange varför mötet ställs in." in page.get_by_role("alert").inner_text()
    page.get_by_label("Skäl till att mötet ställs in, på svenska").fill(
        "Delegationen kan inte resa"
    )
    page.get_by_role("button", name="Ställ in mötet").click()
    assert "Mötet har ställts in." in page.content()

    page.goto(f"{site.url}/meetings/")
    assert "Delegationsbesök" not in page.content()
    page.goto(f"{site.url}/meetings/m{site.meeting.id}")
    assert (
        "Mötet är inställt. Skäl: Delegationen kan inte resa" in page.locator("main").inner_text()
    )
    assert Axe().run(page, options=WCAG).violations_count == 0
