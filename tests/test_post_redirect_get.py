"""A page that answered a POST never leads to "405 Method not allowed".

Every POST address of the url map is tried, with the ids of the demo data: a successful
POST redirects, a refused one answers 4xx, and the language links of whatever page it
shows lead to an address that answers GET. A GET on a POST address (a reload, a copied
address) opens the page of its form.
"""

import re

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.test_no_500 import urls

LANGUAGE_LINK = re.compile(r'<a\s[^>]*hreflang="(?:sv|en)"[^>]*>')
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def demo_coordinator(app, client):
    from app.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD
    from app.extensions import db
    from tests.conftest import seed_demo

    seed_demo("goteborg")
    db.session.commit()

    def login():
        client.post(
            "/login",
            data={"email": DEMO_COORDINATOR_EMAIL, "password": DEMO_COORDINATOR_PASSWORD},
        )

    login()
    return login


def post_addresses(app) -> list[str]:
    seen, found = set(), []
    for method, path in urls(app):
        rule = app.url_map.bind("localhost").match(path, method=method, return_rule=True)[0]
        if method == "POST" and rule.endpoint not in seen and path != "/logout":
            seen.add(rule.endpoint)
            found.append(path)
    return found


def answers_get(app, path: str) -> bool:
    try:
        app.url_map.bind("localhost").match(path, method="GET")
    except (MethodNotAllowed, NotFound):
        return False
    return True


def language_links(html: str) -> list[str]:
    return [HREF.search(tag).group(1) for tag in LANGUAGE_LINK.findall(html)]


def test_every_post_redirects_or_refuses_and_its_language_links_open_get_pages(
    app, client, demo_coordinator
):
    wrong = []
    for path in post_addresses(app):
        demo_coordinator()  # an endpoint may have ended the session
        for lang in ("sv", "en"):
            response = client.post(f"{path}?lang={lang}", data={})
            if response.status_code == 200:
                wrong.append((path, "answered 200: no redirect after the POST"))
            if 300 <= response.status_code < 400:
                continue
            links = language_links(response.text)
            if len(links) != 2:
                wrong.append((path, f"{len(links)} language links"))
            for link in links:
                if not answers_get(app, link.split("?")[0]):
                    wrong.append((path, f"language link {link} answers no GET"))
    assert wrong == []


def test_a_get_on_a_post_address_opens_the_page_of_its_form(app, client, demo_coordinator):
    wrong = []
    for path in post_addresses(app):
        if answers_get(app, path):
            continue
        demo_coordinator()
        response = client.get(f"{path}?lang=en")
        target = response.location.split("?")[0] if response.location else ""
        if response.status_code != 303 or not answers_get(app, target):
            wrong.append((path, response.status_code, response.location))
        elif "lang=en" not in response.location:
            wrong.append((path, "the language is lost", response.location))
    assert wrong == []


def test_a_form_reshown_with_errors_switches_language_to_the_form_page(app, client):
    from tests.exchanges.factories import make_exchange, signup_form

    exchange = make_exchange()
    response = client.post(
        f"/exchanges/{exchange.id}/signup?lang=en", data=signup_form(students="-2")
    )
    assert response.status_code == 422
    assert f'href="/exchanges/{exchange.id}?lang=sv"' in response.text
    switched = client.get(f"/exchanges/{exchange.id}?lang=sv")
    assert switched.status_code == 200 and 'name="students"' in switched.text
