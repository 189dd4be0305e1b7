import re

from app.extensions import db
from tests.conftest import seed_demo


def test_home_page_shows_coming_meetings_open_exchanges_and_partners(client):
    seed_demo("goteborg")
    db.session.commit()
    html = client.get("/?lang=en").get_data(as_text=True)
    meetings = html[html.index('id="meetings-heading"') : html.index('id="exchanges-heading"')]
    exchanges = html[html.index('id="exchanges-heading"') : html.index('id="partners-heading"')]
    assert "Nordic twin town meeting" in meetings
    assert "Delegation visit from Shanghai" in meetings
    assert "Asia/Shanghai" in meetings  # in the meeting's own zone, named
    assert "Göteborg time:" in meetings  # and the home city's time beside it
    assert "Lyon" in exchanges and "Århus" in exchanges
    places = [int(n) for n in re.findall(r'data-places-left="(\d+)"', exchanges)]
    assert places and all(n >= 0 for n in places)
    assert "Shanghai" in html[html.index('id="partners-heading"') :]


def test_home_page_in_swedish_says_so_when_nothing_is_planned(client):
    html = client.get("/").get_data(as_text=True)
    assert "Inga möten är planerade just nu." in html
    assert "Inget utbyte är öppet för anmälan just nu." in html
