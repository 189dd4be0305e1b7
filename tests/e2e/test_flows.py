"""The main journeys, end to end in a real browser, each saving a screenshot under tmp_path.

(a) a school signs up, is waitlisted, is offered places when another school cancels, and
accepts through the link mailed to it; (b) a delegate accepts an invitation through the
reply link mailed to them; (c) a coordinator logs in, creates an exchange, moves a meeting
of a series, renews an agreement, records a grant report as done and exports CSV; (d) a
visitor switches the language and subscribes to a feed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.agreements.models import MEMORANDUM, Agreement
from app.csvutil import read_excel_csv
from app.exchanges import links
from app.exchanges import models as xm
from app.extensions import db
from app.grants.models import GrantObligation
from app.meetings import services as meetings
from app.meetings.invitations import invite_delegates
from app.meetings.models import Delegate, MeetingSeries
from app.meetings.occurrences import series_occurrences
from app.partners.models import Partner
from tests.conftest import seed_demo
from tests.e2e.conftest import log_in
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import make_partner
from tests.meetings.factories import make_meeting


@pytest.fixture
def backend():
    """Browser tests run on SQLite; the database half is covered elsewhere."""
    return "sqlite"


@pytest.fixture
def site(app, live_server):
    """The live server, whose mails and feeds give its own address."""
    app.config["PUBLIC_BASE_URL"] = live_server.url
    return live_server


def shot(page, tmp_path, name: str) -> None:
    """Save what the user sees now as tmp_path/<name>.png."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


def link_in(mail, base: str, prefix: str = "") -> str:
    """Return the first address on the site in a mail's text (after `prefix`, if given)."""
    text = mail.get_body(("plain",)).get_content()
    return re.search(rf"{re.escape(prefix)}\s*({re.escape(base)}/\S+)", text).group(1)


def fresh(model, ident):
    db.session.rollback()  # end the test's read snapshot to see what the server wrote
    return db.session.get(model, ident)


def test_a_waitlisted_school_is_offered_places_when_another_cancels_and_accepts(
    page, site, smtp, tmp_path
):
    exchange = make_exchange(places=4, title_sv="Utbyte med Århus", title_en="Exchange with Aarhus")
    other = make_signup(exchange, school="Annedalsskolan", pupils=4, email="annedal@example.org")
    other_link = site.url + links.signup_path(other)

    page.goto(f"{site.url}/exchanges/{exchange.id}")
    expect(page.locator("[data-places-left]")).to_have_attribute("data-places-left", "0")
    page.get_by_label("Skola", exact=True).fill("Hvitfeldtska gymnasiet")
    page.get_by_label("Kontaktperson", exact=True).fill("Anna Lärare")
    page.get_by_label("Kontaktpersonens e-post").fill("anna@hvitfeldtska.example.org")
    page.get_by_label("Elever som reser").fill("3")
    page.get_by_label("Medföljande lärare").fill("1")
    page.get_by_role("button", name="Anmäl").click()
    expect(page.locator('[data-signup-status="waitlisted"]')).to_contain_text(
        "Status: på väntelistan."
    )
    shot(page, tmp_path, "a1-waitlisted")

    # The other school cancels through its own link; its four places go to the list.
    page.goto(other_link)
    page.get_by_role("link", name="Avboka anmälan").click()
    page.get_by_role("button", name="Ja, avboka anmälan").click()
    expect(page.locator('[data-signup-status="cancelled"]')).to_be_visible()

    smtp.wait_for(3)  # waitlisted, the other's cancellation, the offer
    offer = smtp.to("anna@hvitfeldtska.example.org")[-1]
    assert "Utbyte med Århus" in offer["Subject"]
    page.goto(link_in(offer, site.url))
    expect(page.get_by_role("heading", name="Er anmälan")).to_be_visible()
    expect(page.locator('[data-signup-status="offered"]')).to_contain_text("Platser erbjudna")
    page.get_by_role("button", name="Tacka ja till platserna").click()
    expect(
        page.get_by_text("Ni har tackat ja till platserna: er grupp är bekräftad.")
    ).to_be_visible()
    expect(page.locator('[data-signup-status="confirmed"]')).to_contain_text("Bekräftad")
    shot(page, tmp_path, "a2-accepted")
    db.session.rollback()  # end the test's read snapshot to see what the server wrote
    statuses = dict(db.session.execute(sa.select(xm.Signup.id, xm.Signup.status)).all())
    assert statuses == {other.id: xm.SIGNUP_CANCELLED, other.id + 1: xm.CONFIRMED}


def test_a_delegate_accepts_an_invitation_through_the_mailed_link(page, site, smtp, tmp_path):
    bergen = make_partner("Bergen", country="NO", timezone="Europe/Oslo")
    meeting = make_meeting(
        bergen, title_sv="Hamnbesök i Bergen", start_date=date.today() + timedelta(days=40)
    )
    meetings.add_delegate(meeting, name="Anna Berg", email="anna@example.org", language="sv")
    db.session.commit()
    invite_delegates(meeting)
    db.session.commit()

    (mail,) = smtp.wait_for(1)
    assert "Hamnbesök i Bergen" in mail["Subject"]
    page.goto(link_in(mail, site.url, "Ja, jag kommer:"))
    expect(page.get_by_text("Hamnbesök i Bergen").first).to_be_visible()
    expect(page.locator("[data-reply]")).to_have_text("Du har inte svarat än.")
    page.get_by_role("button", name="Ja, jag kommer").click()
    expect(page.locator("[data-reply]")).to_have_text("Ditt svar: du kommer.")
    shot(page, tmp_path, "b-accepted")
    delegate = db.session.scalars(sa.select(Delegate)).one()
    assert fresh(Delegate, delegate.id).reply == "accepted"


def _demo(live_server):
    seed_demo("goteborg")
    db.session.commit()
    return live_server


def test_a_coordinators_day_in_the_workspace(page, site, tmp_path):
    _demo(site)
    log_in(page, site)

    # A new exchange.
    page.goto(f"{site.url}/admin/exchanges/new")
    page.get_by_label("Partner", exact=True).select_option(label="Bergen")
    page.get_by_label("Titel på svenska").fill("Körutbyte i Bergen")
    page.get_by_label("Titel på engelska").fill("Choir exchange in Bergen")
    page.locator("#status").select_option("open")
    page.locator("#starts_on").fill("2031-05-04")
    page.locator("#ends_on").fill("2031-05-08")
    page.locator("#places").fill("24")
    page.locator("#signup_opens_at").fill("2031-01-15T08:00")
    page.locator("#signup_closes_at").fill("2031-03-01T23:59")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".flash-success")).to_contain_text("Utbytet är sparat.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Körutbyte i Bergen")
    shot(page, tmp_path, "c1-exchange")

    # A meeting of a series moves a day later.
    series = db.session.scalars(sa.select(MeetingSeries).order_by(MeetingSeries.id)).first()
    page.goto(f"{site.url}/admin/meetings/series/{series.id}")
    page.get_by_role("link", name="Flytta").first.click()
    key = page.get_by_label("Möte", exact=True).input_value()  # the one whose link was chosen
    (chosen,) = [o for o in series_occurrences(series, through=date(2100, 1, 1)) if o.key == key]
    planned = chosen.start.astimezone(ZoneInfo(chosen.timezone)).date()
    page.get_by_label("Nytt datum").fill((planned + timedelta(days=1)).isoformat())
    page.get_by_label("Skäl på svenska").fill("Fotbollscupen")
    page.get_by_role("button", name="Flytta mötet").click()
    expect(page.locator(".flash-success")).to_contain_text("Mötet har flyttats.")
    shot(page, tmp_path, "c2-moved")

    # Shanghai's memorandum is renewed.
    shanghai = db.session.scalars(
        sa.select(Agreement)
        .join(Agreement.partner)
        .where(Partner.slug == "shanghai", Agreement.kind == MEMORANDUM)
        .order_by(Agreement.starts_on.desc())
    ).first()
    page.goto(f"{site.url}/admin/agreements/{shanghai.id}")
    page.get_by_role("link", name="Förnya i tre år").click()
    page.get_by_role("button", name="Förnya i tre år").click()
    expect(page.locator(".flash-success")).to_contain_text("Förnyat")
    shot(page, tmp_path, "c3-renewed")

    # A grant's report is recorded as done.
    obligation = db.session.scalars(
        sa.select(GrantObligation)
        .where(GrantObligation.done_on.is_(None))
        .order_by(GrantObligation.due_on)
    ).first()
    page.goto(f"{site.url}/admin/grants/{obligation.grant_id}")
    row = page.locator(f'tr[data-obligation="{obligation.id}"]')
    expect(row).to_contain_text("Inte klart")
    row.get_by_role("button", name="Markera som klart").click()
    row = page.locator(f'tr[data-obligation="{obligation.id}"]')
    expect(row).to_contain_text("Klart den")
    shot(page, tmp_path, "c4-report-done")
    assert fresh(GrantObligation, obligation.id).done_on is not None

    # The agreements as CSV, headed in Swedish.
    page.goto(f"{site.url}/admin/agreements/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera avtal som CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    saved = tmp_path / "agreements.csv"
    download.value.save_as(saved)
    rows = read_excel_csv(saved.read_bytes())
    assert "Partner" in rows[0]
    assert any("Shanghai" in cell for row in rows[1:] for cell in row)
    shot(page, tmp_path, "c5-export")


def test_a_visitor_switches_to_english_and_subscribes_to_a_feed(page, site, tmp_path):
    _demo(site)
    page.goto(f"{site.url}/calendar/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.get_by_role("navigation", name="Språk").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".cal-pre")).to_have_text("Calendar")

    block = page.get_by_role("region", name="Follow in your calendar")
    host = site.url.removeprefix("http://")
    subscribe = block.get_by_role("link", name="Subscribe in your calendar app")
    # The feed keeps the language chosen: its events' titles come in English.
    expect(subscribe).to_have_attribute("href", f"webcal://{host}/calendar.ics?lang=en")
    address = f"{site.url}/calendar.ics?lang=en"
    expect(block.get_by_label("Calendar address")).to_have_value(address)
    google = block.get_by_role("link", name="Add to Google Calendar")
    expect(google).to_have_attribute("href", re.compile(r"calendar\.google\.com"))
    shot(page, tmp_path, "d-subscribe")

    feed = page.request.get(address)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.text().startswith("BEGIN:VCALENDAR")
