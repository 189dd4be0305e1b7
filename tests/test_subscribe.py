"""Subscribing: every page with a feed offers webcal, the address to copy, Google and Outlook."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from app.feeds.events import CalEvent
from app.subscribe import google_event_url, subscription
from tests.exchanges.factories import make_exchange
from tests.factories import make_home, make_partner

BASE = "http://planner.example.org"  # PUBLIC_BASE_URL of the tests


def subscribe_block(page: str) -> dict[str, str]:
    """Return the feed path and each link of the page's subscribe block, by data-link."""
    [section] = re.findall(r'<section class="subscribe".*?</section>', page, re.S)
    links = {"feed": re.search(r'data-feed="([^"]+)"', section).group(1)}
    for tag in re.findall(r"<(?:a|input)\b[^>]*>", section):
        kind = re.search(r'data-link="([^"]+)"', tag).group(1)
        value = re.search(r'(?:href|value)="([^"]*)"', tag).group(1)
        links[kind] = html.unescape(value)
    return links


def expected(path: str, lang: str | None, name: str) -> dict[str, str]:
    https = f"{BASE}{path}" + (f"?lang={lang}" if lang else "")
    webcal = "webcal://" + https.removeprefix("http://")
    return {
        "feed": path,
        "webcal": webcal,
        "https": https,
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?url="
        + quote(https, safe="")
        + "&name="
        + quote(name, safe=""),
    }


# --- the links themselves ------------------------------------------------------------------


def test_a_swedish_feed_address_is_bare_and_an_english_one_names_its_language(app):
    with app.test_request_context("/"):
        swedish = subscription("/calendar.ics", "Vänort", lang="sv")
        english = subscription("/calendar.ics", "Vänort", lang="en")
    assert swedish.https == f"{BASE}/calendar.ics"
    assert english.https == f"{BASE}/calendar.ics?lang=en"
    assert english.webcal == "webcal://planner.example.org/calendar.ics?lang=en"


def test_subscribe_links_encode_the_whole_feed_address_and_the_name(app):
    app.config["PUBLIC_BASE_URL"] = "https://vanort.example.se/"
    with app.test_request_context("/"):
        feed = subscription("/calendar/partners/aarhus.ics", "Vänort: Århus & co", lang="en")
    assert feed.https == "https://vanort.example.se/calendar/partners/aarhus.ics?lang=en"
    assert feed.webcal == "webcal://vanort.example.se/calendar/partners/aarhus.ics?lang=en"
    google = parse_qs(urlsplit(feed.google).query)
    assert feed.google.startswith("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F")
    assert google == {"cid": [feed.webcal]}
    outlook = parse_qs(urlsplit(feed.outlook).query)
    assert feed.outlook.startswith("https://outlook.live.com/calendar/0/addfromweb?url=https%3A")
    assert outlook == {"url": [feed.https], "name": ["Vänort: Århus & co"]}


def test_a_google_link_for_a_timed_event_gives_utc_times_and_the_event_zone(app):
    event = CalEvent(
        uid="meeting-1@x",
        title="Möte & fika",
        start=datetime(2030, 6, 10, 8, 0, tzinfo=UTC),
        end=datetime(2030, 6, 10, 14, 0, tzinfo=UTC),
        timezone="Europe/Oslo",
        description="1. Välkommen",
        location="Rådhuset",
        url="https://x.example/meetings/m1",
    )
    query = parse_qs(urlsplit(google_event_url(event)).query)
    assert query == {
        "action": ["TEMPLATE"],
        "text": ["Möte & fika"],
        "dates": ["20300610T080000Z/20300610T140000Z"],
        "details": ["1. Välkommen\n\nhttps://x.example/meetings/m1"],
        "location": ["Rådhuset"],
        "ctz": ["Europe/Oslo"],
    }


def test_a_google_link_for_an_all_day_event_gives_dates_with_the_end_day_exclusive(app):
    event = CalEvent(
        uid="exchange-1@x", title="Utbyte", start=date(2030, 3, 5), end=date(2030, 3, 11)
    )
    query = parse_qs(urlsplit(google_event_url(event)).query)
    assert query["dates"] == ["20300305/20300311"]
    assert "ctz" not in query and "location" not in query


# --- the pages -----------------------------------------------------------------------------


PAGES = [
    ("/", "/calendar.ics", "Vänort: möten och utbyten", "Vänort: meetings and exchanges"),
    ("/meetings/", "/calendar/meetings.ics", "Vänort: möten", "Vänort: meetings"),
    ("/exchanges/", "/calendar/exchanges.ics", "Vänort: ungdomsutbyten", "Vänort: youth exchanges"),
]


@pytest.mark.parametrize(("page", "path", "swedish", "english"), PAGES)
def test_a_page_with_a_feed_offers_its_four_subscribe_links_in_swedish(
    client, app, page, path, swedish, english
):
    make_home()
    body = client.get(page).get_data(as_text=True)
    block = subscribe_block(body)
    assert block == expected(path, None, swedish)
    assert "Följ i din kalender" in body and "Lägg till i Outlook" in body
    assert '<label for="subscribe-url">Kalenderns adress</label>' in body


@pytest.mark.parametrize(("page", "path", "swedish", "english"), PAGES)
def test_a_page_in_english_links_to_the_english_feed(client, app, page, path, swedish, english):
    make_home()
    body = client.get(f"{page}?lang=en").get_data(as_text=True)
    assert subscribe_block(body) == expected(path, "en", english)
    assert "Add to Google Calendar" in body and "Subscribe in your calendar app" in body


def test_the_browser_language_alone_chooses_the_english_feed(client, app):
    body = client.get("/meetings/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert subscribe_block(body)["https"] == f"{BASE}/calendar/meetings.ics?lang=en"


def test_a_partner_page_offers_the_partner_feed(client, app):
    partner = make_partner("Århus", slug="aarhus")
    make_exchange(partner)
    body = client.get("/partners/aarhus?lang=en").get_data(as_text=True)
    assert subscribe_block(body) == expected("/calendar/partners/aarhus.ics", "en", "Vänort: Århus")
    body = client.get("/partners/aarhus").get_data(as_text=True)
    assert subscribe_block(body)["https"] == f"{BASE}/calendar/partners/aarhus.ics"


def test_the_copy_button_waits_for_the_script_and_the_field_is_read_only(client, app):
    body = client.get("/exchanges/").get_data(as_text=True)
    assert re.search(r'<input type="text" id="subscribe-url" value="[^"]+" readonly', body)
    assert re.search(r'<button type="button"[^>]*data-copy="subscribe-url"[^>]*hidden>', body)
    assert '<script src="/static/js/vanort.js" defer></script>' in body
    script = client.get("/static/js/vanort.js")
    script.close()
    assert script.status_code == 200
