"""The public list of open exchanges in pages of 25: the navigation, and pages out of range."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.exchanges import models as m
from app.exchanges.routes import PER_PAGE
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import make_partner

FIRST = date.today() + timedelta(days=40)


@pytest.fixture
def many(app):
    """PER_PAGE + 5 open exchanges, one a day from FIRST, numbered by start; a closed one."""
    partner = make_partner("Lyon")
    made = [
        make_exchange(partner, title_en=f"Exchange {i:02d}", starts_on=FIRST + timedelta(days=i))
        for i in range(PER_PAGE + 5)
    ]
    make_exchange(partner, title_en="Closed one", status=m.CLOSED, starts_on=FIRST)
    return made


def titles(page: str) -> list[str]:
    return re.findall(r"(Exchange \d\d)</a>", page)


def nav(page: str) -> str:
    found = re.search(r'<nav class="pagination"[^>]*>.*?</nav>', page, re.S)
    assert found, "no page navigation"
    return found.group(0)


def test_the_first_page_shows_the_soonest_25_and_a_navigation_to_the_next(client, many):
    page = client.get("/exchanges/?lang=en").text
    assert titles(page) == [f"Exchange {i:02d}" for i in range(PER_PAGE)]
    assert "Closed one" not in page
    assert f"{PER_PAGE + 5} exchanges are open for sign-up" in page
    pages = nav(page)
    assert 'aria-label="Pages of open exchanges"' in pages
    assert "Page 1 of 2" in pages
    assert re.search(r'href="/exchanges/\?page=1[^"]*" aria-current="page"', pages)
    assert re.search(r'href="/exchanges/\?page=2[^"]*" rel="next"', pages)
    assert 'rel="prev"' not in pages


def test_the_last_page_shows_the_rest_and_a_way_back(client, many):
    page = client.get("/exchanges/?page=2&lang=en").text
    assert titles(page) == [f"Exchange {i:02d}" for i in range(PER_PAGE, PER_PAGE + 5)]
    pages = nav(page)
    assert "Page 2 of 2" in pages and 'rel="next"' not in pages
    assert re.search(r'href="/exchanges/\?page=1[^"]*" rel="prev"', pages)
    assert "Showing 26–30." in page


@pytest.mark.parametrize("asked", ["3", "999999999", "0"])
def test_a_page_out_of_range_shows_the_nearest_page(client, many, asked):
    response = client.get(f"/exchanges/?page={asked}&lang=en")
    assert response.status_code == 200
    expected = "Page 1 of 2" if asked == "0" else "Page 2 of 2"
    assert expected in nav(response.text)


@pytest.mark.parametrize("asked", ["two", "-1", "1.5", "9" * 30])
def test_a_page_that_is_no_number_is_not_found(client, many, asked):
    assert client.get(f"/exchanges/?page={asked}").status_code == 404


def test_each_row_shows_its_own_places_left(client, app):
    made = [make_exchange(places=20, starts_on=FIRST + timedelta(days=i)) for i in range(3)]
    make_signup(made[1], pupils=6)
    page = client.get("/exchanges/").text
    assert f'data-exchange="{made[0].id}" data-places-left="20"' in page
    assert f'data-exchange="{made[1].id}" data-places-left="14"' in page
    assert 'class="pagination"' not in page  # one page: no navigation


def test_the_language_is_kept_from_page_to_page(client, many):
    page = client.get("/exchanges/?lang=sv").text
    assert "Sida 1 av 2" in nav(page)
    assert re.search(r'href="/exchanges/\?page=2&amp;lang=sv"', nav(page))
