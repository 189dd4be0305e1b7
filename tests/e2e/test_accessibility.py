"""Every page of the url map, in Swedish and English, logged out and logged in: axe-core finds
no WCAG 2.0, 2.1 or 2.2 A/AA violation, and no page scrolls sideways at 320 CSS px (which is
also what a 1280 px window shows at 400 % zoom)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import WCAG, log_in
from tests.e2e.pages import pages

LANGS = ["sv", "en"]

# Each audience is one test per language, so that pytest-xdist spreads them over workers;
# the workspace, with the most pages, is scanned in two halves.
AUDIENCES = {
    "visitor": {"logged_in": False, "workspace": False, "half": None},
    "coordinator-public": {"logged_in": True, "workspace": False, "half": None},
    "workspace-1": {"logged_in": True, "workspace": True, "half": 0},
    "workspace-2": {"logged_in": True, "workspace": True, "half": 1},
}

# The elements sticking out past the right edge of the window, for the failure message.
OVERFLOWING = """(width) => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width + 0.5)
  .filter(e => !(e.parentElement && e.parentElement.closest('.table-scroll')))
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
            (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') +
            ' right=' + Math.round(e.getBoundingClientRect().right))"""


def _url(site, path: str, lang: str) -> str:
    return f"{site.url}{path}{'&' if '?' in path else '?'}lang={lang}"


def _visit(page, site, path: str, lang: str, logged_in: bool) -> None:
    response = page.goto(_url(site, path, lang))
    assert response.status < 500, (path, response.status)
    if logged_in:
        assert "/login" not in page.url, f"{path} sent a logged-in coordinator to log in"


def test_the_page_lists_cover_every_part_of_the_product(app, demo_site):
    public = pages(app, workspace=False)
    workspace = pages(app, workspace=True, all_samples=False)
    for expected in ("/", "/partners/", "/partners/shanghai", "/meetings/", "/exchanges/"):
        assert expected in public
    assert {"/accessibility", "/privacy", "/login"} <= set(public)
    assert any(p.startswith("/meetings/s") for p in public)
    assert any(p.startswith("/meetings/m") for p in public)
    assert any(p.startswith("/signups/") and p != "/signups/tampered" for p in public)
    for area in ("agreements", "partners", "meetings", "exchanges", "grants", "audit"):
        assert any(p.startswith(f"/admin/{area}/") for p in workspace), area
    assert any("/occurrences/" in p for p in workspace)
    assert any("/obligations/" in p for p in workspace)
    assert not any(p.endswith((".ics", ".csv", ".svg", ".json")) for p in public + workspace)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("audience", list(AUDIENCES))
def test_every_page_has_no_wcag_violations(page, demo_site, app, audience, lang):
    setting = AUDIENCES[audience]
    paths = pages(app, workspace=setting["workspace"], all_samples=not setting["workspace"])
    if setting["half"] is not None:
        paths = paths[setting["half"] :: 2]
    if setting["logged_in"]:
        log_in(page, demo_site, lang)
    axe = Axe()
    problems = {}
    for path in paths:
        _visit(page, demo_site, path, lang, setting["logged_in"])
        results = axe.run(page, options=WCAG)
        if results.violations_count:
            problems[path] = results.generate_report()
    assert not problems, "\n".join(f"{p}:\n{r}" for p, r in problems.items())


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "coordinator"])
def test_no_page_is_wider_than_a_320_px_window(page, demo_site, app, logged_in):
    paths = pages(app, workspace=False)
    if logged_in:
        log_in(page, demo_site, "sv")
        paths += pages(app, workspace=True, all_samples=False)
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for lang in LANGS:
        for path in paths:
            _visit(page, demo_site, path, lang, logged_in)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                too_wide[f"{path} ({lang})"] = (width, page.evaluate(OVERFLOWING, 320))
    assert not too_wide, "\n".join(f"{p}: {w} px: {els}" for p, (w, els) in too_wide.items())


def test_error_page_has_no_wcag_violations(page, demo_site):
    response = page.goto(f"{demo_site.url}/partners/atlantis?lang=en")
    assert response.status == 404
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("lang", LANGS)
def test_forms_shown_again_with_their_errors_have_no_wcag_violations(page, demo_site, lang):
    """A 422 page: the error summary, the invalid fields and their messages pass axe too."""
    axe = Axe()
    problems = {}

    def scan(name: str) -> None:
        expect(page.locator(".error-summary")).to_be_focused()
        results = axe.run(page, options=WCAG)
        if results.violations_count:
            problems[name] = results.generate_report()

    page.goto(_url(demo_site, "/login", lang))
    page.locator("form.form button[type=submit]").click()
    scan("login")
    page.goto(_url(demo_site, "/exchanges/1", lang))
    page.locator("form.form button[type=submit]").click()
    scan("sign-up")
    log_in(page, demo_site, lang)
    page.goto(_url(demo_site, "/admin/agreements/1/end", lang))
    page.locator("#reason").fill("")
    page.locator("form.form button[type=submit]").click()
    scan("ending an agreement")
    page.goto(_url(demo_site, "/admin/meetings/series/new", lang))
    page.locator("form.form button[type=submit]").click()
    scan("a new meeting series")
    assert not problems, "\n".join(f"{p}:\n{r}" for p, r in problems.items())
