"""An exchange as an .ics file, and an "add to Google" link on its page."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from app.exchanges import models as m
from app.exchanges.calendar import exchange_events
from app.exchanges.queries import listed_exchanges
from app.installation import calendar_uid
from tests.exchanges.factories import make_exchange
from tests.factories import make_partner


def links_of(page: str, kind: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'<a href="([^"]+)" data-link="{kind}">', page)]


def test_an_exchange_downloads_as_an_all_day_event_with_the_feed_uid(client, app):
    start = date.today() + timedelta(days=90)
    exchange = make_exchange(
        make_partner("Lyon"),
        starts_on=start,
        ends_on=start + timedelta(days=6),
        title_en="Lyon exchange",
        title_sv="Utbyte med Lyon",
    )
    response = client.get(f"/exchanges/{exchange.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    disposition = f'attachment; filename="vanort-exchange-{exchange.id}.ics"'
    assert response.headers["Content-Disposition"] == disposition
    cal = icalendar.Calendar.from_ical(response.get_data())
    assert [c.errors for c in cal.walk() if getattr(c, "errors", None)] == []
    assert "METHOD" not in cal
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == calendar_uid("exchange", exchange.id)
    assert str(event["UID"]) in {e.uid for e in exchange_events(listed_exchanges())}
    assert event["DTSTART"].dt == start
    assert event["DTEND"].dt == start + timedelta(days=7)  # the end day is exclusive
    assert str(event["SUMMARY"]) == "Utbyte med Lyon"
    english = icalendar.Calendar.from_ical(client.get(f"/exchanges/{exchange.id}.ics?lang=en").data)
    assert str(english.walk("VEVENT")[0]["SUMMARY"]) == "Lyon exchange"


@pytest.mark.parametrize("who", ["anyone", "coordinator"])
def test_a_draft_or_unknown_exchange_is_not_found(client, auth, coordinator, who):
    if who == "coordinator":
        auth.login(coordinator.email)
    draft = make_exchange(status=m.DRAFT)
    assert client.get(f"/exchanges/{draft.id}").status_code == 404
    assert client.get(f"/exchanges/{draft.id}.ics").status_code == 404
    assert client.get("/exchanges/999999.ics").status_code == 404


def test_an_exchange_page_offers_its_download_and_a_google_link(client, app):
    start = date.today() + timedelta(days=90)
    exchange = make_exchange(
        starts_on=start, ends_on=start + timedelta(days=2), title_en="Exchange"
    )
    page = client.get(f"/exchanges/{exchange.id}?lang=en").get_data(as_text=True)
    assert links_of(page, "ics") == [f"/exchanges/{exchange.id}.ics?lang=en"]
    [google] = links_of(page, "google-event")
    query = parse_qs(urlsplit(google).query)
    assert query["action"] == ["TEMPLATE"] and query["text"] == ["Exchange"]
    end = start + timedelta(days=3)
    assert query["dates"] == [f"{start:%Y%m%d}/{end:%Y%m%d}"]
    assert "ctz" not in query


def test_a_cancelled_exchange_page_offers_nothing_to_add(client, app):
    exchange = make_exchange(status=m.CANCELLED)
    page = client.get(f"/exchanges/{exchange.id}").get_data(as_text=True)
    assert links_of(page, "ics") == [] and links_of(page, "google-event") == []
