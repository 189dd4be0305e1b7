"""With the demo data: the dashboard shows upcoming meetings, open exchanges, and counts
meetings and exchanges as partnership activity."""

import pytest

from app.extensions import db
from tests.conftest import seed_demo


@pytest.fixture
def demo(app):
    seed_demo("goteborg")
    db.session.commit()


def section(page, key):
    return page.split(f'id="panel-{key}"')[1].split("</section>")[0]


def test_the_dashboard_lists_upcoming_meetings(demo, logged_in):
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    meetings = section(page, "upcoming_meetings")
    assert "Upcoming meetings" in meetings
    assert meetings.count("data-meeting=") >= 1


def test_the_dashboard_lists_open_exchanges_with_places_left(demo, logged_in):
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    exchanges = section(page, "open_exchanges")
    assert "Open exchanges" in exchanges
    assert exchanges.count("data-exchange=") >= 1
    assert " of " in exchanges


def test_meetings_and_exchanges_count_as_activity(demo, logged_in):
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    health = page.split('id="health"')[1]
    bergen = health.split('data-partner="bergen"')[1].split("</tr>")[0]
    aarhus = health.split('data-partner="aarhus"')[1].split("</tr>")[0]
    assert "(meeting)" in bergen
    assert "(exchange)" in aarhus
