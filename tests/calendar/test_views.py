"""The month and year pages at /calendar/: what a visitor and a coordinator see there."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from app.exchanges import models as xm
from app.extensions import db
from app.grants.models import FINAL_REPORT
from app.meetings import services as meetings
from app.meetings.occurrences import occurrences_between, series_occurrences
from app.partners.services import home_timezone, home_today
from app.timeutil import to_local, utcnow
from tests.agreements.factories import make_agreement
from tests.conftest import seed_demo
from tests.exchanges.factories import make_exchange
from tests.factories import make_partner
from tests.grants.factories import make_grant, make_obligation
from tests.meetings.factories import make_meeting, make_nordic_partners, make_series


@pytest.fixture
def nordic(app):
    return make_nordic_partners()


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def day_cell(html: str, day: date) -> str:
    """Return the text of one day's cell in the month grid (tags dropped, spaces folded)."""
    found = re.search(rf'data-day="{day.isoformat()}">(.*?)</td>', html, re.S)
    assert found, f"no cell for {day}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def body_rows(html: str) -> list[str]:
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return re.findall(r"<tr>(.*?)</tr>", tbody, re.S)


def nav_link(html: str, which: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)"[^>]*data-nav="{which}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


# --- the demo data ----------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "host_word"), [("sv", "värd"), ("en", "host")])
def test_the_month_of_the_next_nordic_meeting_shows_it_with_its_host(client, lang, host_word):
    seed_demo("goteborg")
    db.session.commit()
    nordic = next(
        o
        for o in occurrences_between(utcnow())
        if o.title_en == "Nordic twin town meeting" and o.status != "cancelled"
    )
    day = to_local(nordic.start, home_timezone()).date()
    html = page(client, f"/calendar/{day.year}/{day.month}?lang={lang}")
    cell = day_cell(html, day)
    title = nordic.title_sv if lang == "sv" else nordic.title_en
    assert title in cell
    assert f"{host_word}: {nordic.host.name}" in cell
    assert f'href="/meetings/{nordic.item.public_id}' in html


def test_the_calendar_page_is_this_month_in_the_home_zone_and_in_the_main_menu(client, nordic):
    today = home_today()
    html = page(client, "/calendar/")
    assert f'data-year="{today.year}" data-month="{today.month}"' in html
    assert 'aria-current="date"' in day_cell_raw(html, today)
    assert 'href="/calendar/"' in page(client, "/")


def day_cell_raw(html: str, day: date) -> str:
    return re.search(rf'data-day="{day.isoformat()}">(.*?)</td>', html, re.S).group(1)


# --- the grid ---------------------------------------------------------------------------


def test_a_month_that_starts_on_a_sunday_begins_in_the_last_column(client, nordic):
    html = page(client, "/calendar/2026/3?lang=en")  # 1 March 2026 is a Sunday
    rows = body_rows(html)
    assert len(rows) == 6  # 1 March alone in week 9, 30 and 31 in week 14
    first = rows[0]
    assert first.count('class="cal-outside"') == 6
    assert first.index('class="cal-outside"') < first.index('data-day="2026-03-01"')
    assert re.search(r"Week </span>9</th>", first)
    assert re.search(r"Week </span>14</th>", rows[-1])
    headers = re.findall(r'<span class="visually-hidden">(\w+day)</span></th>', html)
    assert headers == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]


def test_february_of_a_leap_year_has_29_days_and_of_other_years_28(client, nordic):
    leap = page(client, "/calendar/2028/2")
    assert 'data-day="2028-02-29"' in leap and 'data-day="2028-03-01"' not in leap
    assert 'data-day="2028-02-01"' in leap and 'data-day="2028-01-31"' not in leap
    common = page(client, "/calendar/2027/2")
    assert 'data-day="2027-02-28"' in common and 'data-day="2027-02-29"' not in common
    assert len(body_rows(leap)) == 5  # Tuesday 1 to Tuesday 29
    assert len(body_rows(common)) == 4  # Monday 1 to Sunday 28: four whole weeks


def test_previous_and_next_cross_the_year_boundary_and_keep_the_filter(client, nordic):
    december = page(client, "/calendar/2026/12?partner=bergen")
    assert nav_link(december, "next") == "/calendar/2027/1?partner=bergen"
    assert nav_link(december, "previous") == "/calendar/2026/11?partner=bergen"
    january = page(client, "/calendar/2027/1?kind=meeting&lang=en")
    assert nav_link(january, "previous") == "/calendar/2026/12?kind=meeting&lang=en"
    assert nav_link(january, "year") == "/calendar/2027?kind=meeting&lang=en"
    year = page(client, "/calendar/2027")
    assert nav_link(year, "previous") == "/calendar/2026"
    assert nav_link(year, "next") == "/calendar/2028"
    assert nav_link(page(client, "/calendar/1900/1"), "previous") is None
    assert nav_link(page(client, "/calendar/2200/12"), "next") is None


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("sv", ("måndag", "söndag", "juni 2026", "juli 2026", "Vecka")),
        ("en", ("Monday", "Sunday", "June 2026", "July 2026", "Week")),
    ],
)
def test_weekday_and_month_names_are_in_the_page_language(client, nordic, lang, words):
    html = page(client, f"/calendar/2026/6?lang={lang}")
    for word in words:
        assert word in html
    year = page(client, f"/calendar/2026?lang={lang}")
    assert ("Oktober" if lang == "sv" else "October") in year


# --- what a visitor sees ----------------------------------------------------------------


def test_a_meeting_elsewhere_shows_home_time_and_its_own_local_time(client, nordic):
    make_meeting(
        nordic["turku"],
        title_en="Turku visit",
        timezone="Europe/Helsinki",
        start_date=date(2030, 3, 12),
        start_time=time(10, 0),
    )
    cell = day_cell(page(client, "/calendar/2030/3?lang=en"), date(2030, 3, 12))
    assert "09:00" in cell  # Göteborg's clock
    assert "(10:00 local time, Europe/Helsinki)" in cell


def test_a_cancelled_meeting_is_struck_through_and_says_so(client, nordic):
    series = make_series(
        [nordic["aarhus"], nordic["bergen"]], first_date=date(2030, 6, 10), interval=1
    )
    second = series_occurrences(series, through=date(2032, 1, 1))[1]
    meetings.cancel_occurrence(series, second.key, reason="Budget")
    db.session.commit()
    cell = day_cell_raw(page(client, "/calendar/2031/6?lang=en"), date(2031, 6, 10))
    assert "<del>Nordic twin town meeting</del>" in cell
    assert ">cancelled</strong>" in cell
    kept = day_cell_raw(page(client, "/calendar/2030/6?lang=en"), date(2030, 6, 10))
    assert "<del>" not in kept and "Nordic twin town meeting" in kept


def test_an_exchange_over_two_months_shows_on_each_of_its_days(client, nordic):
    make_exchange(
        nordic["bergen"], title_en="Bergen exchange", starts_on=date(2030, 5, 29)
    )  # to 4 June
    may = page(client, "/calendar/2030/5?lang=en")
    assert "Bergen exchange" in day_cell(may, date(2030, 5, 29))
    assert "continued" not in day_cell(may, date(2030, 5, 29))
    june = page(client, "/calendar/2030/6?lang=en")
    assert "continued" in day_cell(june, date(2030, 6, 4))
    assert "Bergen exchange" not in day_cell(june, date(2030, 6, 5))


def test_filters_narrow_the_month_by_partner_and_kind(client, nordic):
    lyon = make_partner("Lyon", slug="lyon", timezone="Europe/Paris")
    make_meeting(lyon, title_en="Lyon meeting", start_date=date(2030, 3, 12))
    make_exchange(nordic["bergen"], title_en="Bergen exchange", starts_on=date(2030, 3, 2))
    make_series(
        [nordic["aarhus"], nordic["turku"]], first_date=date(2030, 3, 20), title_en="Nordic"
    )
    everything = page(client, "/calendar/2030/3?lang=en")
    assert all(t in everything for t in ("Lyon meeting", "Bergen exchange", "Nordic"))
    lyon_only = page(client, "/calendar/2030/3?lang=en&partner=lyon")
    assert "Lyon meeting" in lyon_only
    assert "Bergen exchange" not in lyon_only and ">Nordic<" not in lyon_only
    assert 'data-feed="/calendar/partners/lyon.ics"' in lyon_only
    # A series shows for every city of its rotation, as in that city's feed.
    turku = page(client, "/calendar/2030/3?lang=en&partner=turku")
    assert ">Nordic<" in turku and "Lyon meeting" not in turku
    exchanges = page(client, "/calendar/2030/3?lang=en&kind=exchange")
    assert "Bergen exchange" in exchanges and "Lyon meeting" not in exchanges
    assert 'data-feed="/calendar/exchanges.ics"' in exchanges
    year = page(client, "/calendar/2030?lang=en&kind=meeting")
    assert "Lyon meeting" in year and "Bergen exchange" not in year
    assert 'data-month="3" data-count="2"' in year


def test_the_year_counts_each_month_and_links_to_it(client, nordic):
    make_exchange(nordic["bergen"], title_en="Bergen exchange", starts_on=date(2030, 5, 29))
    make_meeting(nordic["turku"], title_en="Turku visit", start_date=date(2030, 3, 12))
    html = page(client, "/calendar/2030?lang=en")
    assert 'data-month="3" data-count="1"' in html
    assert 'data-month="5" data-count="1"' in html and 'data-month="6" data-count="1"' in html
    assert 'data-month="7" data-count="0"' in html
    assert 'href="/calendar/2030/3?lang=en">March</a>' in html
    assert "1 event" in html and "0 events" in html
    swedish = page(client, "/calendar/2030?lang=sv")
    assert "1 händelse" in swedish and "0 händelser" in swedish


# --- what only coordinators see ---------------------------------------------------------


@pytest.fixture
def private_dates(app, nordic):
    """An agreement expiring 31 March 2030 (decision due 120 days before), a grant report
    due in March 2030 and an unpublished meeting then."""
    make_agreement(
        nordic["bergen"],
        title="Cooperation",
        starts_on=date(2027, 4, 1),
        ends_on=date(2030, 3, 31),
    )
    grant = make_grant(nordic["bergen"], title="Accessible harbour")
    make_obligation(grant, FINAL_REPORT, date(2030, 3, 15))
    make_meeting(
        nordic["bergen"], title_en="Secret planning", start_date=date(2030, 3, 20), published=False
    )


def test_coordinator_dates_are_hidden_from_visitors(client, private_dates):
    html = page(client, "/calendar/2030/3?lang=en")
    for hidden in ("Agreement expires", "Accessible harbour", "Secret planning"):
        assert hidden not in html
    assert "/admin/" not in html
    assert client.get("/calendar/2030/3?kind=agreement").status_code == 400


def test_coordinators_see_agreement_grant_and_unpublished_dates(logged_in, private_dates):
    html = page(logged_in, "/calendar/2030/3?lang=en")
    assert "Agreement expires: Cooperation (Bergen)" in day_cell(html, date(2030, 3, 31))
    assert "Accessible harbour" in day_cell(html, date(2030, 3, 15))
    unpublished = day_cell(html, date(2030, 3, 20))
    assert "Secret planning" in unpublished and "not published" in unpublished
    decision = date(2030, 3, 31) - timedelta(days=120)
    november = page(logged_in, f"/calendar/{decision.year}/{decision.month}?lang=en")
    assert "Decide on renewal: Cooperation" in day_cell(november, decision)
    grants_only = page(logged_in, "/calendar/2030/3?lang=en&kind=grant")
    assert "Accessible harbour" in grants_only and "Agreement expires" not in grants_only
    assert "Secret planning" not in grants_only


def test_coordinators_see_the_coming_reminder_dates_on_the_month_and_year(
    client, logged_in, private_dates
):
    # The agreement ends on 31 March 2030; its renewal decision falls on 1 December 2029,
    # so the decision rule reminds 30 days before, on 1 November 2029 at 08:00 home time.
    # Reminders show when chosen (kind=reminder), linked from every month the events show.
    events = page(logged_in, "/calendar/2029/11?lang=en")
    assert "Reminder, 30d before" not in events
    hint = re.search(r'data-reminders-hint>.*?<a href="([^"]+)"', events, re.S)
    assert hint and hint.group(1).replace("&amp;", "&") == "/calendar/2029/11?kind=reminder&lang=en"
    html = page(logged_in, "/calendar/2029/11?kind=reminder&lang=en")
    cell = day_cell(html, date(2029, 11, 1))
    assert "Reminder, 30d before: Cooperation (Bergen)" in cell
    assert "08:00" in cell
    assert 'href="/admin/reminders/' in html
    assert "Decide on renewal" not in html
    expiry = page(logged_in, "/calendar/2030/3?kind=reminder&lang=en")
    assert "Reminder, 0d before: Cooperation (Bergen)" in day_cell(expiry, date(2030, 3, 31))
    year = page(logged_in, "/calendar/2029?kind=reminder&lang=en")
    assert "Reminder, 30d before: Cooperation (Bergen)" in year
    elsewhere = page(logged_in, "/calendar/2029/11?lang=en&partner=aarhus&kind=reminder")
    assert "Reminder, 30d before" not in elsewhere
    swedish = page(logged_in, "/calendar/2029/11?lang=sv&kind=reminder")
    assert "Påminnelse, 30d före: Cooperation (Bergen)" in day_cell(swedish, date(2029, 11, 1))
    logged_in.post("/logout")
    assert "Reminder," not in page(client, "/calendar/2029/11?lang=en")
    assert client.get("/calendar/2029/11?lang=en&kind=reminder").status_code == 400


def test_a_draft_exchange_shows_to_coordinators_only(client, logged_in, nordic):
    make_exchange(
        nordic["bergen"], title_en="Draft exchange", starts_on=date(2030, 3, 2), status=xm.DRAFT
    )
    html = page(logged_in, "/calendar/2030/3?lang=en")
    assert "Draft exchange" in html
    logged_in.post("/logout")
    assert "Draft exchange" not in page(client, "/calendar/2030/3?lang=en")


# --- bad input --------------------------------------------------------------------------


BAD = {
    "/calendar/2026/13": (
        404,
        "A month is numbered from 1 to 12.",
        "En månad har nummer 1 till 12.",
    ),
    "/calendar/2026/0": (
        404,
        "A month is numbered from 1 to 12.",
        "En månad har nummer 1 till 12.",
    ),
    "/calendar/1899": (404, "shows the years 1900 to 2200", "visar åren 1900 till 2200"),
    "/calendar/2201/1": (404, "shows the years 1900 to 2200", "visar åren 1900 till 2200"),
    "/calendar/99999999999": (404, "Page not found", "Sidan finns inte"),
    "/calendar/2026/june": (404, "Page not found", "Sidan finns inte"),
    "/calendar/2026/6?partner=atlantis": (
        404,
        "no partner with that name",
        "ingen partner med det namnet",
    ),
    "/calendar/2026/6?kind=party": (400, "no such kind of event", "ingen sådan typ av händelse"),
    "/calendar/2026?kind=grant": (400, "no such kind of event", "ingen sådan typ av händelse"),
}


@pytest.mark.parametrize("path", BAD)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_bad_input_answers_400_or_404_in_the_page_language(client, nordic, path, lang):
    status, english, swedish = BAD[path]
    sep = "&" if "?" in path else "?"
    response = client.get(f"{path}{sep}lang={lang}")
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in text
    assert (swedish if lang == "sv" else english) in text


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/calendar/00002026/1", "/calendar/2026/1"),
        ("/calendar/2026/01", "/calendar/2026/1"),
        ("/calendar/02026/011", "/calendar/2026/11"),
        ("/calendar/02026", "/calendar/2026"),
        (
            "/calendar/2026/01?partner=bergen&kind=meeting&lang=en",
            "/calendar/2026/1?partner=bergen&kind=meeting&lang=en",
        ),
        ("/calendar/02026?lang=en", "/calendar/2026?lang=en"),
    ],
)
def test_a_month_or_year_with_leading_zeros_redirects_to_its_one_address(
    client, nordic, path, canonical
):
    response = client.get(path)
    assert response.status_code in (301, 308)
    assert response.headers["Location"] == canonical
    assert client.get(canonical).status_code == 200


def test_the_month_page_sends_as_many_statements_for_many_events_as_for_few(
    logged_in, private_dates, nordic, count_queries
):
    def statements() -> int:
        with count_queries() as queries:
            page(logged_in, "/calendar/2030/3")
        return queries.count

    make_exchange(nordic["bergen"], starts_on=date(2030, 3, 2))
    statements()  # the first request also reads what the process keeps (the UID domain)
    few = statements()
    for n in range(4):
        partner = make_partner(f"Town {n}")
        make_meeting(partner, title_en=f"Visit {n}", start_date=date(2030, 3, 3 + n))
        make_exchange(partner, starts_on=date(2030, 3, 10 + n))
        make_agreement(partner, starts_on=date(2027, 4, 1), ends_on=date(2030, 3, 20 + n))
        make_obligation(make_grant(partner), FINAL_REPORT, date(2030, 3, 5 + n))
    statements()  # the first request after a change rebuilds what is kept by data version
    assert statements() == few
