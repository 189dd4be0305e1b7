"""In a real browser: pages and workspace forms are laid out as a reader expects."""

from __future__ import annotations

from datetime import date

from tests.factories import PASSWORD, make_partner
from tests.meetings.factories import make_meeting


def test_a_checkbox_sits_beside_its_label_and_headings_clear_the_header(
    page, live_server, coordinator
):
    meeting = make_meeting(
        make_partner("Bergen", timezone="Europe/Oslo"), start_date=date(2040, 3, 12)
    )
    page.goto(f"{live_server.url}/login")
    page.fill("#email", coordinator.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in (
        "/admin/meetings/",
        f"/admin/meetings/meeting/{meeting.id}",
        "/admin/meetings/new",
    ):
        page.goto(f"{live_server.url}{path}")
        header = page.locator("header").first.bounding_box()
        first = page.locator("main > *").first.bounding_box()
        assert first["y"] - (header["y"] + header["height"]) >= 16, path
    box = page.locator("#published").bounding_box()
    label = page.locator("label[for=published]").bounding_box()
    middle = box["y"] + box["height"] / 2
    assert label["y"] <= middle <= label["y"] + label["height"]  # on the same line
    assert label["x"] >= box["x"] + box["width"]  # after the box


def test_headings_on_public_pages_clear_the_header(page, live_server):
    make_partner("Bergen", timezone="Europe/Oslo")
    for path in ("/", "/partners/", "/meetings/", "/exchanges/", "/accessibility", "/privacy"):
        page.goto(f"{live_server.url}{path}")
        header = page.locator("header").first.bounding_box()
        first = page.locator("main > *").first.bounding_box()
        assert first["y"] - (header["y"] + header["height"]) >= 16, path
