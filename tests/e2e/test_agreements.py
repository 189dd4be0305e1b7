"""A coordinator renews Shanghai's agreement through the pages; the workspace passes axe."""

import re

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.agreements.models import MEMORANDUM, Agreement
from app.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
from app.extensions import db
from app.i18n import show_date
from app.partners.models import Partner
from tests.e2e.conftest import scanned_in

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def log_in(page, site, lang="sv"):
    page.goto(f"{site.url}/login?lang={lang}")
    page.get_by_label("E-post" if lang == "sv" else "E-mail").fill(DEMO_COORDINATOR_EMAIL)
    page.get_by_label("Lösenord" if lang == "sv" else "Password").fill(DEMO_COORDINATOR_PASSWORD)
    page.get_by_role("button", name="Logga in" if lang == "sv" else "Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Arbetsyta" if lang == "sv" else "Workspace"
    )


def shanghai_terms():
    db.session.rollback()  # end the test's read transaction to see the server's writes
    return db.session.scalars(
        sa.select(Agreement)
        .join(Agreement.partner)
        .where(Partner.slug == "shanghai", Agreement.kind == MEMORANDUM)
        .order_by(Agreement.starts_on)
    ).all()


def test_a_coordinator_renews_shanghai_through_the_pages(page, demo_site):
    before = shanghai_terms()
    current = before[-1]
    log_in(page, demo_site)
    page.get_by_role("navigation", name="Arbetsyta").get_by_role("link", name="Avtal").click()
    page.get_by_label("Sök", exact=True).fill("Shanghai")
    page.get_by_role("button", name="Filtrera").click()
    page.get_by_role("link", name=current.title).click()
    page.get_by_role("link", name="Förnya i tre år").click()
    expect(page.get_by_text(re.compile("Den nya perioden kommer att gälla från"))).to_be_visible()
    page.get_by_role("button", name="Förnya i tre år").click()
    expect(page.locator(".flash-success")).to_contain_text("Förnyat")
    after = shanghai_terms()
    assert len(after) == len(before) + 1
    new = after[-1]
    expect(page.locator("[data-term]")).to_have_text(
        f"{show_date(new.starts_on, 'sv')} – {show_date(new.ends_on, 'sv')}"
    )
    old_row = page.locator(f'tr[data-agreement="{current.id}"]')
    expect(old_row).to_contain_text("Gällande")  # in force until its last day
    # The same renewal cannot be made twice: the old term offers no renew link any more.
    old_row.get_by_role("link").click()
    expect(page.get_by_role("link", name="Förnya i tre år")).to_have_count(0)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_workspace_pages_have_no_wcag_violations(page, demo_site, lang):
    log_in(page, demo_site, lang)
    agreement = shanghai_terms()[-1]
    partner_id = agreement.partner_id
    paths = [
        "/admin/",
        "/admin/agreements/",
        f"/admin/agreements/{agreement.id}",
        f"/admin/agreements/{agreement.id}/edit",
        f"/admin/agreements/{agreement.id}/renew",
        f"/admin/agreements/{agreement.id}/end",
        f"/admin/agreements/{agreement.id}/delete",
        "/admin/agreements/new",
        "/admin/agreements/timeline",
        "/admin/partners/",
        "/admin/networks/",
        f"/admin/partners/{partner_id}",
        f"/admin/partners/{partner_id}/edit",
        f"/admin/partners/{partner_id}/delete",
        f"/admin/partners/{partner_id}/end",
        f"/admin/partners/{partner_id}/projects/new",
        f"/admin/partners/{partner_id}/contacts/new",
        "/admin/projects/",
        "/admin/contacts/",
        "/admin/audit/",
        "/admin/calendar/tokens",
    ]
    axe = Axe()
    problems = {}
    for path in scanned_in(lang, paths):
        page.goto(f"{demo_site.url}{path}?lang={lang}")
        results = axe.run(page, options=WCAG)
        if results.violations_count:
            problems[path] = results.generate_report()
    # A form shown again with its errors.
    page.goto(f"{demo_site.url}/admin/agreements/{agreement.id}/end?lang={lang}")
    page.locator("#reason").fill("")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    results = axe.run(page, options=WCAG)
    if results.violations_count:
        problems["end form with errors"] = results.generate_report()
    assert not problems, "\n".join(f"{p}:\n{r}" for p, r in problems.items())
