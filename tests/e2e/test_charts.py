"""The pictures in the real browser: the pages that draw them pass axe-core (WCAG 2.0-2.2
A/AA) in both languages, fit a 320 px window, and the partner graph's nodes are links a
keyboard reaches and follows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.extensions import db
from tests.conftest import seed_demo
from tests.e2e.conftest import WCAG, log_in

LANGS = ["sv", "en"]


def _chart_pages() -> list[str]:
    from app.meetings.models import MeetingSeries

    series = db.session.scalars(sa.select(MeetingSeries).order_by(MeetingSeries.id)).all()
    assert series, "the demo has a meeting series"
    return [
        "/partners/graph",
        *(f"/meetings/{s.public_id}" for s in series),
        *(f"/admin/meetings/series/{s.id}" for s in series),
        "/admin/agreements/timeline",
        "/admin/exchanges/reciprocity",
    ]


def _open(page, site, path: str, lang: str) -> None:
    response = page.goto(f"{site.url}{path}?lang={lang}")
    assert response.status == 200, path
    assert page.locator("svg.chart").count() >= 1, f"no picture on {path}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_pages_with_pictures_have_no_wcag_violations(page, demo_site, lang):
    paths = _chart_pages()
    log_in(page, demo_site, lang)
    axe = Axe()
    problems = {}
    for path in paths:
        _open(page, demo_site, path, lang)
        for details in page.locator("details.chart-table").all():
            details.locator("summary").click()  # the tables inside are scanned too
        results = axe.run(page, options=WCAG)
        if results.violations_count:
            problems[path] = results.generate_report()
    assert not problems, "\n".join(f"{p}:\n{r}" for p, r in problems.items())


def test_the_pages_with_pictures_fit_a_320_px_window(page, demo_site):
    paths = _chart_pages()
    log_in(page, demo_site, "sv")
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for lang in LANGS:
        for path in paths:
            _open(page, demo_site, path, lang)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                too_wide[f"{path} ({lang})"] = width
            # Each picture but the timeline (which scrolls in its own region) fits the window.
            for box in page.locator("svg.chart:not(.chart-timeline)").all():
                assert box.bounding_box()["width"] <= 320, path
    assert not too_wide, too_wide


@pytest.fixture
def molndal_site(app, live_server):
    seed_demo("molndal")
    db.session.commit()
    return live_server


@pytest.mark.parametrize("lang", LANGS)
def test_the_molndal_partner_graph_passes_axe_and_its_nodes_follow_by_keyboard(
    page, molndal_site, lang
):
    page.goto(f"{molndal_site.url}/partners/graph?lang={lang}")
    graph = page.locator("svg.chart-graph")
    for name in ("Ricany", "East Renfrewshire", "Grabow", "Balkow", "Dainville"):
        expect(graph.get_by_role("link", name=name)).to_be_visible()
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    # Tab from the heading above the picture to its first link, and follow it.
    page.locator("#graph-heading").evaluate("e => { e.tabIndex = -1; e.focus(); }")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('svg') !== null")
    assert focused, "the first stop after the heading is a node of the picture"
    target = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target.split('?')[0]}*")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
