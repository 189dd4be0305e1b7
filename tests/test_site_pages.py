"""The organisation behind the site (configuration), and the accessibility statement and
privacy notice that every page links to."""

from __future__ import annotations

import re

import pytest

from app.config import ENV_NAMES, from_environment
from app.main import ACCESSIBILITY_UPDATED_ON

ORG = {
    "ORG_NAME": "Göteborgs Stad – internationella avdelningen",
    "ORG_NAME_EN": "City of Gothenburg – International Department",
    "ORG_CONTACT_EMAIL": "international@goteborg.example.org",
    "ORG_PHONE": "031-365 00 00",
    "ORG_DPO_EMAIL": "dataskyddsombud@goteborg.example.org",
}


@pytest.fixture
def configured(app, monkeypatch):
    for name, value in ORG.items():
        monkeypatch.setitem(app.config, name, value)
    return app


def _part(html: str, tag: str) -> str:
    return html[html.index(f"<{tag}") : html.index(f"</{tag}>")]


def test_the_organisation_is_read_from_the_environment():
    assert {"ORG_NAME", "ORG_NAME_EN", "ORG_LOGO_URL", "ORG_CONTACT_EMAIL", "ORG_PHONE"} <= set(
        ENV_NAMES
    )
    assert "ORG_DPO_EMAIL" in ENV_NAMES
    assert from_environment({"ORG_NAME": "Mölndals stad", "ORG_PHONE": "031-315 10 00"}) == {
        "ORG_NAME": "Mölndals stad",
        "ORG_PHONE": "031-315 10 00",
    }


@pytest.mark.parametrize(
    "lang,name",
    [("sv", "Göteborgs Stad – internationella avdelningen"), ("en", "City of Gothenburg")],
)
def test_every_page_names_the_organisation_in_its_header_and_footer(configured, client, lang, name):
    for path in ("/", "/partners/", "/login", "/exchanges/", "/no-such-page"):
        html = client.get(f"{path}?lang={lang}").get_data(as_text=True)
        assert name in _part(html, "header"), path
        footer = _part(html, "footer")
        assert name in footer, path
        assert 'href="mailto:international@goteborg.example.org"' in footer
        assert 'href="tel:0313650000"' in footer and "031-365 00 00" in footer


def test_the_footer_links_to_the_accessibility_statement_and_privacy_notice(client):
    footer = _part(client.get("/meetings/?lang=sv").get_data(as_text=True), "footer")
    links = dict(re.findall(r'<a href="([^"?#]+)[^"]*"[^>]*>([^<]+)</a>', footer))
    assert links["/accessibility"] == "Tillgänglighetsredogörelse"
    assert links["/privacy"] == "Behandling av personuppgifter"


def test_a_logo_is_an_image_named_after_the_organisation(configured, client, monkeypatch):
    monkeypatch.setitem(configured.config, "ORG_LOGO_URL", "https://cdn.example.org/logo.svg")
    header = _part(client.get("/?lang=sv").get_data(as_text=True), "header")
    assert re.search(
        r'<img class="brand-logo" src="https://cdn.example.org/logo.svg" '
        r'alt="Göteborgs Stad – internationella avdelningen"',
        header,
    )
    assert header.count("Göteborgs Stad") == 1  # the image's text, not said twice


def test_by_default_a_neutral_office_with_a_role_address(client):
    sv = client.get("/?lang=sv").get_data(as_text=True)
    en = client.get("/?lang=en").get_data(as_text=True)
    assert "Internationella kontoret" in _part(sv, "footer")
    assert "International Office" in _part(en, "footer")
    assert "mailto:international@example.org" in _part(en, "footer")
    assert "tel:" not in _part(en, "footer")


def test_an_organisation_named_only_in_swedish_is_marked_swedish_on_english_pages(
    app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "ORG_NAME", "Mölndals stad")
    header = _part(client.get("/?lang=en").get_data(as_text=True), "header")
    assert '<span class="brand-org" lang="sv">Mölndals stad</span>' in header


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_accessibility_statement_follows_diggs_model(configured, client, lang):
    response = client.get(f"/accessibility?lang={lang}")
    assert response.status_code == 200
    html = _part(response.get_data(as_text=True), "main")
    sv = lang == "sv"
    assert ("delvis förenlig" if sv else "partially compliant") in html
    assert "WCAG 2.2" in html and "EN 301 549" in html
    assert "PDF" in html  # a known shortcoming, said plainly
    assert "axe-core" in html and "320" in html  # how it was tested
    assert 'href="mailto:international@goteborg.example.org' in html  # feedback to the office
    assert 'href="https://www.digg.se/tdosanmalan"' in html  # the enforcement procedure
    assert ORG["ORG_NAME" if sv else "ORG_NAME_EN"] in html
    year = str(ACCESSIBILITY_UPDATED_ON.year)
    assert len(re.findall(rf"{ACCESSIBILITY_UPDATED_ON.day} \w+ {year}|\w+ \d+, {year}", html)) == 2


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_privacy_notice_says_what_a_sign_up_stores_why_and_for_how_long(
    configured, client, lang
):
    response = client.get(f"/privacy?lang={lang}")
    assert response.status_code == 200
    html = _part(response.get_data(as_text=True), "main")
    sv = lang == "sv"
    for words in (
        ("skolans namn", "kontaktpersonens namn och e-postadress", "hur många elever")
        if sv
        else ("the school's name", "contact person's name and e-mail", "how many pupils")
    ):
        assert words in html
    assert "6.1 e" in html if sv else "6(1)(e)" in html  # the legal basis
    assert ("24 månader" if sv else "24 months") in html  # the default period
    assert "https://www.imy.se" in html  # complaints
    assert 'href="mailto:dataskyddsombud@goteborg.example.org"' in html
    assert 'href="mailto:international@goteborg.example.org"' in html


def test_the_sign_up_form_links_to_the_privacy_notice(client):
    from tests.exchanges.factories import make_exchange

    exchange = make_exchange(places=10)
    html = client.get(f"/exchanges/{exchange.id}?lang=en").get_data(as_text=True)
    form = html[html.index('<form method="post" action="/exchanges/') :]
    form = form[: form.index("</form>")]
    assert re.search(r'<a href="/privacy\?lang=en#anmalan">How we handle your data</a>', form)


def test_a_form_shown_again_with_errors_puts_the_focus_on_its_summary(client):
    from tests.exchanges.factories import make_exchange

    exchange = make_exchange(places=10)
    response = client.post(f"/exchanges/{exchange.id}/signup?lang=en", data={})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*>', html).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    heading = re.search(r'aria-labelledby="([^"]+)"', summary).group(1)
    assert f'<h2 id="{heading}">Please correct the following</h2>' in html
    field = re.search(r'<input[^>]*id="school_name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="school_name-error"' in field
