"""A coordinator renews Shanghai's agreement through the pages; the workspace passes axe."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.agreements.models import MEMORANDUM, Agreement
from app.extensions import db
from app.i18n import show_date
from app.partners.models import Partner
from tests.e2e.conftest import log_in


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
