"""The dashboard: decisions due first, expired terms, partnership health, extra panels."""

from datetime import timedelta

from app.admin import dashboard
from app.admin.dashboard import Panel
from app.agreements.services import home_today
from app.extensions import db
from app.i18n import show_date
from app.partners import services as partners
from tests.agreements.factories import make_agreement
from tests.factories import make_partner


def ending(partner, ends_on, **fields):
    return make_agreement(
        partner, starts_on=ends_on - timedelta(days=3 * 365), ends_on=ends_on, **fields
    )


def test_lists_a_decision_within_180_days_and_not_one_further_away(logged_in):
    today = home_today()
    soon = ending(make_partner("Nelson Mandela Bay"), today + timedelta(days=120 + 170))
    later = ending(make_partner("Lyon"), today + timedelta(days=120 + 190))
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    section = page.split('id="decisions-due"')[1].split("</section>")[0]
    assert f'data-agreement="{soon.id}"' in section
    assert f'data-agreement="{later.id}"' not in section
    assert show_date(today + timedelta(days=170), "en") in section


def test_lists_an_expired_agreement_but_not_a_renewed_one(logged_in):
    today = home_today()
    gone = ending(make_partner("Chicago"), today - timedelta(days=30))
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    section = page.split('id="expired"')[1].split("</section>")[0]
    assert f'data-agreement="{gone.id}"' in section
    logged_in.post(f"/admin/agreements/{gone.id}/renew", data={"signed_on": ""})
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    section = page.split('id="expired"')[1].split("</section>")[0]
    assert f'data-agreement="{gone.id}"' not in section


def test_marks_a_partner_with_no_activity_for_three_years(logged_in):
    today = home_today()
    quiet = make_partner("Bergen")
    busy = make_partner("Lyon")
    partners.add_project(
        quiet, title_sv="Gammalt", title_en="Old", starts_year=2010, ends_year=today.year - 4
    )
    partners.add_project(
        busy, title_sv="Nytt", title_en="New", starts_year=today.year - 1, ends_year=today.year + 1
    )
    db.session.commit()
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    assert 'data-partner="bergen" data-inactive="true"' in page
    assert 'data-partner="lyon">' in page
    lyon = page.split('data-partner="lyon">')[1].split("</tr>")[0]
    assert f"{show_date(today, 'en')}</time> (project)" in lyon


def test_another_area_can_add_a_panel_and_an_activity_source(logged_in, app, tmp_path, monkeypatch):
    today = home_today()
    quiet = make_partner("Bergen")
    source = (lambda day, since: {quiet.id: today}, "meeting")
    panel = Panel("upcoming-test", "admin/_test_panel.html", lambda day: {"n": 3})
    monkeypatch.setattr(dashboard, "ACTIVITY_SOURCES", (*dashboard.ACTIVITY_SOURCES, source))
    monkeypatch.setattr(dashboard, "PANELS", (panel, *dashboard.PANELS))
    app.jinja_loader.searchpath.append(str(tmp_path))
    (tmp_path / "admin").mkdir()
    (tmp_path / "admin" / "_test_panel.html").write_text(
        "<h2>Upcoming meetings</h2><p>{{ panel_context.n }} meetings</p>"
    )
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    assert "3 meetings" in page
    assert f"{show_date(today, 'en')}</time> (meeting)" in page
    assert 'data-partner="bergen" data-inactive' not in page


def _health_row(page: str, slug: str) -> str:
    health = page.split('id="health"')[1]
    return health.split(f'data-partner="{slug}"')[1].split("</tr>")[0]


def test_a_coming_meeting_exchange_or_series_turn_counts_as_activity(logged_in):
    from app.meetings import services as meetings
    from tests.exchanges.factories import make_exchange
    from tests.meetings.factories import make_meeting, make_series

    today = home_today()
    shanghai = make_partner("Shanghai", timezone="Asia/Shanghai")
    lyon = make_partner("Lyon", timezone="Europe/Paris")
    bergen = make_partner("Bergen", timezone="Europe/Oslo")
    chicago = make_partner("Chicago", timezone="America/Chicago")
    make_partner("Délice")
    make_meeting(shanghai, start_date=today + timedelta(days=45))
    make_exchange(lyon, starts_on=today + timedelta(days=150))
    make_series([bergen], first_date=today + timedelta(days=200))
    cancelled = make_meeting(chicago, start_date=today + timedelta(days=75))
    meetings.cancel_meeting(cancelled, reason="Postponed")
    db.session.commit()
    page = logged_in.get("/admin/?lang=en").get_data(as_text=True)
    for slug, kind in (("shanghai", "meeting"), ("lyon", "exchange"), ("bergen", "meeting")):
        row = _health_row(page, slug)
        assert "data-inactive" not in row.split(">")[0], slug
        assert f"({kind})" in row and "Activity planned" in row, slug
    assert _health_row(page, "chicago").startswith(" data-inactive")
    assert _health_row(page, "delice").startswith(" data-inactive")
