import re

import pytest

from app.extensions import db
from tests.conftest import seed_demo
from tests.factories import make_partner

GOTEBORG_PARTNERS = ["Shanghai", "Nelson Mandela Bay", "Chicago", "Lyon", "Århus", "Åbo", "Bergen"]


@pytest.fixture
def goteborg(app):
    seed_demo("goteborg")
    db.session.commit()


def row_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)


def test_partner_list_shows_all_seven_goteborg_partners_in_swedish_by_default(client, goteborg):
    html = client.get("/partners/").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Partnerstäder" in html and "Vänorter" in html
    for name in GOTEBORG_PARTNERS:
        assert name in row_names(html)
    assert "Göteborg" not in row_names(html)  # the home city is not its own partner


def test_partner_list_is_in_english_with_lang_en(client, goteborg):
    html = client.get("/partners/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Partner cities" in html and "Twin towns" in html
    assert set(GOTEBORG_PARTNERS) <= set(row_names(html))
    assert "/partners/shanghai?lang=en" in html  # the chosen language follows the links


def test_browser_language_is_used_when_no_lang_is_given(client, goteborg):
    html = client.get("/partners/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in html


def test_lang_parameter_wins_over_the_browser(client, goteborg):
    html = client.get("/partners/?lang=sv", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert '<html lang="sv">' in html


def test_instance_default_language_applies_when_nothing_else_says(app, client, goteborg):
    app.config["DEFAULT_LANGUAGE"] = "en"
    html = client.get("/partners/").get_data(as_text=True)
    assert "<h1>Partners</h1>" in html


def test_partner_page_shows_facts_themes_and_role_contact(client, goteborg):
    html = client.get("/partners/nelson-mandela-bay?lang=en").get_data(as_text=True)
    assert "<h1>Nelson Mandela Bay" in html
    assert "South Africa" in html
    assert "1999" in html
    assert "ICLD" in html
    assert "Accessibility" in html
    assert "nmb-partnership@example.org" in html


def test_partner_page_names_country_in_swedish(client, goteborg):
    html = client.get("/partners/bergen").get_data(as_text=True)
    assert "Norge" in html
    assert "Europe/Oslo" in html


def test_unknown_partner_is_a_404_page_in_the_visitors_language(client, goteborg):
    sv = client.get("/partners/atlantis")
    assert sv.status_code == 404
    assert "Sidan finns inte" in sv.get_data(as_text=True)
    en = client.get("/partners/atlantis?lang=en")
    assert en.status_code == 404
    assert "Page not found" in en.get_data(as_text=True)


def test_home_page_lists_partners_with_links(client, goteborg):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/partners/lyon?lang=en"' in html
    assert "about 1990" not in html  # the home page says "since", approximations on the list
    assert "since 1986" in html


def test_network_page_lists_its_members(client, goteborg):
    html = client.get("/partners/delice?lang=en").get_data(as_text=True)
    assert "Member:" in html
    assert 'href="/partners/chicago?lang=en"' in html


def test_empty_database_says_no_partners_yet(client):
    html = client.get("/partners/?lang=en").get_data(as_text=True)
    assert "No partners have been recorded yet." in html


def test_partner_list_does_not_grow_queries_with_partners(client, goteborg, count_queries):
    counts = []
    for extra in (0, 20):
        for i in range(extra):
            make_partner(f"Extra {extra}-{i}")
        with count_queries() as queries:
            assert client.get("/partners/").status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1]
