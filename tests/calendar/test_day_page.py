"""A busy day of the month shows its first events and links to the day's own page, which
shows them all."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from app.calendar.views import DAY_ROWS
from tests.calendar.test_views import day_cell, nav_link, page
from tests.meetings.factories import make_meeting, make_nordic_partners

DAY = date(2030, 3, 12)


@pytest.fixture
def busy(app):
    """DAY_ROWS + 2 meetings in Bergen on DAY, one an hour from 08:00, and one the day after."""
    nordic = make_nordic_partners()
    for i in range(DAY_ROWS + 2):
        make_meeting(
            nordic["bergen"],
            title_en=f"Visit {i}",
            start_date=DAY,
            start_time=time(8 + i),
            end_time=time(8 + i, 30),
        )
    make_meeting(nordic["bergen"], title_en="Tomorrow visit", start_date=date(2030, 3, 13))
    return nordic


def more_link(html: str, day: date) -> tuple[str, str]:
    cell = re.search(rf'data-day="{day.isoformat()}">(.*?)</td>', html, re.S).group(1)
    found = re.search(r'class="cal-more"[^>]*><a href="([^"]+)">(.*?)</a>', cell, re.S)
    assert found, "no link to the rest of the day"
    text = " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())
    return found.group(1).replace("&amp;", "&"), text


def test_a_busy_day_shows_its_first_events_and_links_to_the_rest(client, busy):
    html = page(client, "/calendar/2030/3?lang=en")
    cell = day_cell(html, DAY)
    assert [f"Visit {i}" in cell for i in range(DAY_ROWS + 2)] == [True] * DAY_ROWS + [False] * 2
    url, text = more_link(html, DAY)
    assert url == "/calendar/2030/3/12?lang=en"
    assert text == "2 more on Tuesday, March 12, 2030"
    assert "cal-more" not in day_cell(html, date(2030, 3, 13))


def test_the_day_page_shows_every_event_of_the_day_in_order(client, busy):
    html = page(client, "/calendar/2030/3/12?lang=en")
    assert "<h1" in html and "Tuesday, March 12, 2030" in html
    visits = re.findall(r"Visit (\d)", html)
    assert visits == [str(i) for i in range(DAY_ROWS + 2)]
    assert "Tomorrow visit" not in html
    assert nav_link(html, "previous") == "/calendar/2030/3/11?lang=en"
    assert nav_link(html, "next") == "/calendar/2030/3/13?lang=en"
    assert nav_link(html, "month") == "/calendar/2030/3?lang=en"


def test_the_day_page_keeps_the_filter_and_says_when_a_day_is_empty(client, busy):
    html = page(client, "/calendar/2030/3?lang=en&partner=bergen&kind=meeting")
    url, _ = more_link(html, DAY)
    assert url == "/calendar/2030/3/12?partner=bergen&kind=meeting&lang=en"
    assert "Visit 6" in page(client, url)
    other = page(client, "/calendar/2030/3/12?lang=en&partner=aarhus")
    assert "Visit" not in other and "No events on Tuesday, March 12, 2030." in other
    assert "Inga händelser" in page(client, "/calendar/2030/3/12?lang=sv&partner=aarhus")


@pytest.mark.parametrize(
    "path", ["/calendar/2030/2/30", "/calendar/2030/13/1", "/calendar/2201/1/1"]
)
def test_a_day_that_does_not_exist_is_not_found(client, busy, path):
    assert client.get(path).status_code == 404


def test_a_day_with_leading_zeros_redirects_to_its_one_address(client, busy):
    response = client.get("/calendar/2030/03/012?lang=en")
    assert response.status_code in (301, 308)
    assert response.headers["Location"] == "/calendar/2030/3/12?lang=en"


def test_a_busy_month_of_the_year_page_shows_its_first_events_and_links_to_the_month(app, client):
    from app.calendar.views import MONTH_ROWS

    nordic = make_nordic_partners()
    for i in range(MONTH_ROWS + 3):
        make_meeting(nordic["bergen"], title_en=f"Call {i:02d}", start_date=date(2030, 3, 1 + i))
    make_meeting(nordic["bergen"], title_en="April call", start_date=date(2030, 4, 2))
    html = page(client, "/calendar/2030?lang=en")
    march = re.search(r'data-month="3"[^>]*>(.*?)</section>', html, re.S).group(1)
    shown = re.findall(r"Call (\d\d)", march)
    assert shown == [f"{i:02d}" for i in range(MONTH_ROWS)]
    assert f"{MONTH_ROWS + 3} events" in march  # the count is of them all
    found = re.search(r'class="cal-more"[^>]*><a href="([^"]+)">(.*?)</a>', march, re.S)
    assert found.group(1).replace("&amp;", "&") == "/calendar/2030/3?lang=en"
    assert " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split()) == "3 more in March"
    april = re.search(r'data-month="4"[^>]*>(.*?)</section>', html, re.S).group(1)
    assert "April call" in april and "cal-more" not in april
    assert "3 till i mars" in " ".join(
        re.sub(r"<[^>]+>", " ", page(client, "/calendar/2030?lang=sv")).split()
    )
