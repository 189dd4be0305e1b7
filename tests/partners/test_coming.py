"""A partner's page lists its coming meetings (its own and those it hosts) and exchanges."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.exchanges import models as m
from app.meetings.links import meeting_uid, occurrence_uid
from app.meetings.occurrences import series_occurrences
from app.timeutil import utcnow
from tests.exchanges.factories import make_exchange
from tests.meetings.factories import make_meeting, make_nordic_partners, make_series


@pytest.fixture
def nordic(app):
    return make_nordic_partners()


def section(page: str, heading_id: str) -> str:
    return re.search(rf'<section aria-labelledby="{heading_id}">.*?</section>', page, re.S).group(0)


def test_a_partner_page_lists_coming_meetings_and_hosted_occurrences_not_past_ones(client, nordic):
    aarhus, turku = nordic["aarhus"], nordic["turku"]
    coming = make_meeting(aarhus, title_en="Harbour visit", start_date=date(2040, 3, 12))
    past = make_meeting(aarhus, title_en="Old visit", start_date=date(2020, 3, 12))
    elsewhere = make_meeting(turku, title_en="Turku visit", start_date=date(2040, 3, 12))
    series = make_series(
        [nordic[s] for s in ("goteborg", "aarhus", "turku", "bergen")], first_date=date(2020, 6, 10)
    )
    now = utcnow()
    hosted = [o for o in series_occurrences(series, include_removed=True) if o.host == aarhus]
    held = [o for o in hosted if o.end <= now]
    to_come = [o for o in hosted if o.end > now]
    assert held and to_come

    page = client.get("/partners/aarhus?lang=en").get_data(as_text=True)
    meetings = section(page, "meetings-heading")
    uids = re.findall(r'data-uid="([^"]+)"', meetings)
    assert meeting_uid(coming) in uids
    assert occurrence_uid(series, to_come[0].key) in uids
    assert meeting_uid(past) not in uids and meeting_uid(elsewhere) not in uids
    assert all(occurrence_uid(series, o.key) not in uids for o in held)
    assert all(
        o.host == aarhus
        for o in series_occurrences(series)
        if occurrence_uid(series, o.key) in uids
    )
    assert "Harbour visit" in meetings and "Nordic twin town meeting" in meetings
    assert f'href="/meetings/{series.public_id}?lang=en#o{to_come[0].key}"' in meetings
    assert "(Europe/Copenhagen, CE" in meetings  # in the place's own zone, named


def test_a_partner_page_lists_coming_exchanges_not_past_drafts_or_cancelled_ones(client, nordic):
    aarhus = nordic["aarhus"]
    today = date.today()
    coming = make_exchange(aarhus, title_en="Coming exchange")
    closed = make_exchange(aarhus, title_en="Full exchange", status=m.CLOSED)
    past = make_exchange(
        aarhus,
        title_en="Past exchange",
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=25),
    )
    draft = make_exchange(aarhus, title_en="Draft exchange", status=m.DRAFT)
    cancelled = make_exchange(aarhus, title_en="Cancelled exchange", status=m.CANCELLED)
    other = make_exchange(nordic["bergen"], title_en="Bergen exchange")
    page = client.get("/partners/aarhus?lang=en").get_data(as_text=True)
    exchanges = section(page, "exchanges-heading")
    listed = {int(i) for i in re.findall(r'data-exchange="(\d+)"', exchanges)}
    assert listed == {coming.id, closed.id}
    assert {past.id, draft.id, cancelled.id, other.id}.isdisjoint(listed)
    assert f'href="/exchanges/{coming.id}?lang=en"' in exchanges
    assert "Open for sign-up" in exchanges and "Sign-up closed" in exchanges


def test_a_partner_page_says_so_when_nothing_is_coming_in_swedish(client, nordic):
    page = client.get("/partners/bergen").get_data(as_text=True)
    assert "Kommande möten" in page and "Kommande ungdomsutbyten" in page
    assert "Inga möten med Bergen är planerade just nu." in page
    assert "Inga ungdomsutbyten med Bergen är planerade just nu." in page
    assert "/calendar/partners/bergen.ics" in page


def test_a_partner_page_says_so_when_nothing_is_coming_in_english(client, nordic):
    page = client.get("/partners/bergen?lang=en").get_data(as_text=True)
    assert "No meetings with Bergen are planned at the moment." in page
    assert "No youth exchanges with Bergen are planned at the moment." in page


def test_a_partner_page_in_swedish_lists_a_coming_meeting_with_its_swedish_title(client, nordic):
    make_meeting(nordic["bergen"], title_sv="Hamnbesök", start_date=date(2040, 3, 12))
    make_exchange(nordic["bergen"], title_sv="Utbyte i Bergen")
    page = client.get("/partners/bergen").get_data(as_text=True)
    assert "Hamnbesök" in section(page, "meetings-heading")
    assert "Utbyte i Bergen" in section(page, "exchanges-heading")
    assert "Öppet för anmälan" in page
