"""The accounts page (/admin/accounts/), its confirmation, a colleague's new password and
the refusals: axe finds no
WCAG 2.2 AA violation and nothing is wider than a 320 px window. (The scan of every page
covers the first two as well; this one is quick to run alone and also scans the 422s.)"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import WCAG, log_in


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_accounts_pages_pass_axe_and_fit_320_px(page, demo_site, lang):
    log_in(page, demo_site, lang)
    axe = Axe()
    problems = {}

    def scan(name: str) -> None:
        results = axe.run(page, options=WCAG)
        if results.violations_count:
            problems[name] = results.generate_report()
        page.set_viewport_size({"width": 320, "height": 640})
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            problems[f"{name} at 320 px"] = f"{width} px wide"
        page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(f"{demo_site.url}/admin/accounts/?lang={lang}")
    scan("list")
    # A weak password: the form comes back with its error.
    page.locator("#email").fill("weak@example.org")
    page.locator("#password").fill("password1234")
    page.locator("form.form.narrow button[type=submit]").click()
    assert page.locator(".error-summary, .errors").count() > 0
    scan("weak password")
    # The demo coordinator demoting themself: refused beside the role.
    row = page.locator("tr", has=page.locator("select")).first
    row.locator("select").select_option("coordinator")
    row.locator("button").click()
    assert page.locator("p.errors").count() == 1
    scan("own role")
    page.goto(f"{demo_site.url}/admin/accounts/1/deactivate?lang={lang}")
    scan("confirm deactivation")
    page.locator("form.form button.danger").click()
    # The refusal is a new page: scan it once it is there and styled, not the old one.
    page.locator(".error-summary").wait_for()
    page.wait_for_load_state()
    scan("own deactivation refused")
    # A colleague's new password: the form, then a weak one refused beside its field.
    page.goto(f"{demo_site.url}/admin/accounts/?lang={lang}")
    page.locator("#email").fill("colleague@example.org")
    page.locator("#name").fill("Colleague")
    page.locator("#password").fill("lantern orchard thirty gulls")
    page.locator("form.form.narrow button[type=submit]").click()
    page.locator("tr[data-account='colleague@example.org'] a.button.secondary").click()
    page.wait_for_url("**/admin/accounts/*/password*")
    page.wait_for_load_state()
    scan("new password")
    page.locator("#new_password").fill("password1234")
    page.locator("#confirm").fill("password1234")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    scan("weak new password")
    page.goto(f"{demo_site.url}/admin/accounts/1/password?lang={lang}")
    scan("own new password")
    assert not problems, "\n".join(f"{p}:\n{r}" for p, r in problems.items())
