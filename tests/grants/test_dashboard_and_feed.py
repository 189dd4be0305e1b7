"""Grant obligations on the dashboard, in the private feed, and in the demo."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.demo import seed
from app.extensions import db
from app.grants.models import Grant
from app.partners.services import home_today
from tests.calendar.conftest import parse, private_url  # noqa: F401
from tests.grants.factories import make_grant, make_obligation


def test_the_dashboard_lists_an_obligation_due_soon_and_an_overdue_one_not_a_done_one(logged_in):
    today = home_today()
    grant = make_grant(title="Accessible city")
    soon = make_obligation(grant, "interim_report", today + timedelta(days=30))
    late = make_obligation(grant, "payment", today - timedelta(days=3))
    done = make_obligation(grant, "application", today + timedelta(days=10), done_on=today)
    far = make_obligation(grant, "final_report", today + timedelta(days=200))
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    panel = page[page.index('id="panel-grant_deadlines"') :]
    assert f'data-obligation="{soon.id}"' in panel
    assert f'data-obligation="{late.id}"' in panel
    assert panel.index(f'data-obligation="{late.id}"') < panel.index(f'data-obligation="{soon.id}"')
    assert f'data-obligation="{done.id}"' not in panel
    assert f'data-obligation="{far.id}"' not in panel


def test_the_private_feed_has_obligations_as_all_day_events(app, client, private_url):  # noqa: F811
    grant = make_grant(title="Accessible city")
    due = make_obligation(grant, "interim_report", date(home_today().year + 1, 3, 31))
    done = make_obligation(
        grant, "application", date(home_today().year, 1, 15), done_on=date(home_today().year, 1, 10)
    )
    cal = parse(client.get(private_url + "?lang=en").data)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    uid = next(u for u in events if u.startswith(f"grant-obligation-{due.id}@"))
    event = events[uid]
    assert str(event["SUMMARY"]) == "Interim report due: Accessible city"
    assert event["DTSTART"].params.get("VALUE") == "DATE" or type(event.decoded("DTSTART")) is date
    assert event.decoded("DTSTART") == due.due_on
    assert event.decoded("DTEND") == due.due_on + timedelta(days=1)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith(f"/admin/grants/{grant.id}")
    assert any(u.startswith(f"grant-obligation-{done.id}@") for u in events)


def test_moving_an_obligation_raises_its_sequence_in_the_feed(app, client, private_url):  # noqa: F811
    from app.grants import services

    grant = make_grant()
    obligation = make_obligation(grant, "payment", date(home_today().year + 1, 5, 1))
    services.update_obligation(
        obligation, kind="payment", due_on=date(home_today().year + 1, 6, 1), done_on=None
    )
    db.session.commit()
    cal = parse(client.get(private_url).data)
    event = next(
        e
        for e in cal.walk("VEVENT")
        if str(e["UID"]).startswith(f"grant-obligation-{obligation.id}@")
    )
    assert int(event["SEQUENCE"]) == 1


def test_the_demo_has_an_icld_grant_for_nelson_mandela_bay(app):
    seed("goteborg")
    grant = db.session.scalar(sa.select(Grant))
    assert grant.partner.slug == "nelson-mandela-bay"
    assert grant.programme.startswith("ICLD")
    kinds = {o.kind: o for o in grant.obligations}
    assert kinds["application"].done_on is not None
    assert kinds["interim_report"].done_on is None
    assert home_today() < kinds["interim_report"].due_on < home_today() + timedelta(days=90)
    assert "final_report" in kinds
