"""The dashboard's lists show their first ten rows, then how many more and where they are."""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.grants.models import FINAL_REPORT
from app.partners.services import home_today
from tests.agreements.factories import make_agreement
from tests.exchanges.factories import make_exchange
from tests.factories import make_partner
from tests.grants.factories import make_grant, make_obligation

ROWS = 10


def section(page: str, key: str) -> str:
    return page.split(f'id="panel-{key}"')[1].split("</section>")[0]


def more_link(html: str, key: str) -> tuple[str, str] | None:
    found = re.search(rf'data-more="{key}"><a href="([^"]+)">([^<]+)</a>', html)
    return (found.group(1), found.group(2)) if found else None


def test_open_exchanges_show_ten_and_link_to_the_rest(logged_in):
    partner = make_partner("Lyon")
    first = date.today() + timedelta(days=40)
    made = [make_exchange(partner, starts_on=first + timedelta(days=i)) for i in range(ROWS + 3)]
    panel = section(logged_in.get("/admin/?lang=en").text, "open_exchanges")
    shown = re.findall(r'data-exchange="(\d+)"', panel)
    assert shown == [str(e.id) for e in made[:ROWS]]  # the soonest first
    assert more_link(panel, "open_exchanges") == ("/exchanges/?lang=en", "3 more open exchanges")
    assert 'href="/admin/exchanges/' in panel  # all exchanges, as before


def test_a_short_list_has_no_more_link(logged_in):
    make_exchange()
    page = logged_in.get("/admin/?lang=en").text
    assert more_link(section(page, "open_exchanges"), "open_exchanges") is None


def test_grant_deadlines_show_ten_and_link_to_the_grants(logged_in):
    today = home_today()
    grant = make_grant(make_partner("Lyon"))
    for i in range(ROWS + 2):
        make_obligation(grant, FINAL_REPORT, today + timedelta(days=i))
    panel = section(logged_in.get("/admin/?lang=en").text, "grant_deadlines")
    assert panel.count("data-obligation=") == ROWS
    assert more_link(panel, "grant_deadlines") == (
        "/admin/grants/?lang=en",
        "2 more obligations overdue or due soon",
    )


def test_renewal_decisions_show_ten_and_link_to_the_agreements(logged_in):
    today = home_today()
    for i in range(ROWS + 1):
        partner = make_partner(f"Town {i}")
        ends = today + timedelta(days=30 + i)
        make_agreement(partner, starts_on=ends - timedelta(days=3 * 365), ends_on=ends)
    page = logged_in.get("/admin/?lang=en").text
    decisions = page.split('id="decisions-due"')[1].split("</section>")[0]
    assert decisions.count("data-agreement=") == ROWS
    link = more_link(decisions, "decisions")
    assert link is not None and link[1] == "1 more renewal decision due"
    assert link[0].startswith("/admin/agreements/")
    swedish = logged_in.get("/admin/?lang=sv").text
    assert more_link(swedish, "decisions") is not None
