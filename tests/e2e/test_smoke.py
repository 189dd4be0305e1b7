"""A person opens the site, switches language and follows a partner link."""

import re

from playwright.sync_api import expect


def test_home_switch_language_and_follow_a_partner(page, demo_site):
    page.goto(demo_site.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Internationella relationer")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("International relations")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    expect(page.get_by_role("heading", name="Partner cities")).to_be_visible()
    page.get_by_role("link", name="Nelson Mandela Bay").click()
    expect(page).to_have_url(re.compile(r"/partners/nelson-mandela-bay\?lang=en$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nelson Mandela Bay")
    expect(page.get_by_text("South Africa")).to_be_visible()


def test_coordinator_logs_in_through_the_form(page, demo_site):
    page.goto(demo_site.url + "/admin/?lang=en")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("E-mail").fill("coordinator@example.org")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("The e-mail address or the password is wrong.")).to_be_visible()
    page.get_by_label("Password").fill("vanort-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")
