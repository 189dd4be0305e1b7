"""Pages keep their lists by data version (`version.kept`, `version.kept_html`): what
another process commits shows on the next page, each reader gets the list made for their
language, role and address, and a meeting leaves the coming meetings once it is over."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from app import create_app
from app.extensions import db
from app.meetings import routes as meeting_routes
from app.meetings.models import Meeting
from app.partners.models import Partner
from tests.conftest import _current_database
from tests.factories import make_coordinator
from tests.meetings.factories import make_meeting


@pytest.fixture
def other_worker(app):
    """A second app on the same database with a memory of its own, as another worker."""
    other = create_app(_current_database[-1].config)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_a_meeting_another_worker_renames_is_renamed_on_every_page(client, nordic, other_worker):
    meeting = make_meeting(nordic["aarhus"], start_date=date(2030, 3, 12), title_en="Old name")
    month = "/calendar/2030/3?lang=en"
    for path in ("/?lang=en", "/meetings/?lang=en", month, "/calendar/2030/3/12?lang=en"):
        assert "Old name" in page(client, path)
        assert "Old name" in page(client, path)  # the second from this process's memory
    with other_worker.app_context():
        db.session.get(Meeting, meeting.id).title_en = "New name"
        db.session.commit()
    for path in ("/?lang=en", "/meetings/?lang=en", month, "/calendar/2030/3/12?lang=en"):
        body = page(client, path)
        assert "New name" in body and "Old name" not in body, path


def test_a_partner_another_worker_renames_is_renamed_in_the_lists(client, nordic, other_worker):
    assert "Bergen" in page(client, "/") and "Bergen" in page(client, "/calendar/")
    with other_worker.app_context():
        db.session.get(Partner, nordic["bergen"].id).name = "Björgvin"
        db.session.commit()
    home, calendar = page(client, "/"), page(client, "/calendar/")
    assert "Björgvin" in home and ">Bergen<" not in home
    assert "Björgvin" in calendar and ">Bergen<" not in calendar  # the partner filter


def test_the_public_never_gets_the_month_a_coordinator_was_shown(client, auth, nordic):
    make_meeting(
        nordic["aarhus"], start_date=date(2030, 3, 12), title_en="Quiet talks", published=False
    )
    make_coordinator("office@example.org")
    auth.login("office@example.org")
    assert "Quiet talks" in page(client, "/calendar/2030/3?lang=en")
    auth.logout()
    assert "Quiet talks" not in page(client, "/calendar/2030/3?lang=en")


def test_each_language_and_address_gets_its_own_list(client, nordic):
    meeting = make_meeting(nordic["aarhus"], title_sv="Vänortsmöte", title_en="Twin town talks")
    english = page(client, "/meetings/?lang=en")
    swedish = page(client, "/meetings/")
    assert "Twin town talks" in english and "Vänortsmöte" not in english
    assert "Vänortsmöte" in swedish and "Twin town talks" not in swedish
    link = re.escape(f"/meetings/{meeting.public_id}")
    assert re.search(link + r"\?lang=en", english)  # the chosen language stays in links
    assert not re.search(link + r"\?lang=en", swedish)


def test_a_meeting_leaves_the_coming_meetings_once_it_is_over(client, nordic, monkeypatch):
    make_meeting(
        nordic["aarhus"],
        start_date=date(2030, 3, 12),
        start_time=time(9, 30),
        end_time=time(17, 0),
        timezone="UTC",
        title_en="Spring talks",
    )
    during = datetime(2030, 3, 12, 16, 59, 30, tzinfo=UTC)
    monkeypatch.setattr(meeting_routes, "utcnow", lambda: during)
    assert "Spring talks" in page(client, "/meetings/?lang=en")
    monkeypatch.setattr(meeting_routes, "utcnow", lambda: during + timedelta(minutes=1))
    assert "Spring talks" not in page(client, "/meetings/?lang=en")


def test_a_project_another_worker_moves_takes_its_grants_dates_to_the_new_partner(
    client, auth, nordic, other_worker
):
    from app.grants.models import FINAL_REPORT
    from app.partners.models import Project
    from app.partners.services import add_project
    from tests.grants.factories import make_grant, make_obligation

    project = add_project(nordic["aarhus"], title_sv="Gröna torg", title_en="Green squares")
    grant = make_grant(title="Green squares grant")
    grant.project_id = project.id
    db.session.commit()
    make_obligation(grant, FINAL_REPORT, date(2030, 3, 20))
    make_coordinator("office@example.org")
    auth.login("office@example.org")
    aarhus = "/calendar/2030/3?lang=en&partner=aarhus"
    bergen = "/calendar/2030/3?lang=en&partner=bergen"
    assert "Green squares grant" in page(client, aarhus)
    assert "Green squares grant" not in page(client, bergen)
    with other_worker.app_context():
        db.session.get(Project, project.id).partner_id = nordic["bergen"].id
        db.session.commit()
    assert "Green squares grant" not in page(client, aarhus)
    assert "Green squares grant" in page(client, bergen)


def test_a_theme_another_worker_gives_or_renames_shows_in_the_partners_list(
    client, nordic, other_worker
):
    from app.partners.models import Theme

    def themes_of(slug: str) -> str:
        html = page(client, "/partners/?lang=en")
        row = re.search(rf'<tr data-partner="{slug}">(.*?)</tr>', html, re.S).group(1)
        return re.findall(r"<td>(.*?)</td>", row, re.S)[-1]

    assert themes_of("bergen") == ""
    with other_worker.app_context():
        theme = Theme(slug="culture", name_sv="Kultur", name_en="Culture")
        bergen = db.session.get(Partner, nordic["bergen"].id)
        bergen.themes.append(theme)
        db.session.commit()
        theme_id = theme.id
    assert themes_of("bergen") == "Culture"
    with other_worker.app_context():
        db.session.get(Theme, theme_id).name_en = "Culture and arts"
        db.session.commit()
    assert themes_of("bergen") == "Culture and arts"
    with other_worker.app_context():
        bergen = db.session.get(Partner, nordic["bergen"].id)
        bergen.themes.clear()
        db.session.commit()
    assert themes_of("bergen") == ""


def test_a_sign_up_does_not_move_the_data_version(app, nordic):
    """Places left are read on every request; a sign-up day must not rebuild every kept
    page and feed at each of its hundreds of sign-ups."""
    from app.calendar import version
    from tests.exchanges.factories import make_exchange, make_signup

    exchange = make_exchange(nordic["aarhus"])
    db.session.rollback()
    before = version.current()
    make_signup(exchange)
    db.session.rollback()
    assert version.current() == before


def test_a_partner_page_follows_what_another_worker_changes(client, nordic, other_worker):
    from app.partners.models import Contact, PartnerLink

    path = "/partners/bergen?lang=en"
    assert "international@bergen.example.org" not in page(client, path)
    with other_worker.app_context():
        contact = Contact(
            partner_id=nordic["bergen"].id,
            role_sv="Internationell samordnare",
            role_en="International coordinator",
            email="international@bergen.example.org",
        )
        db.session.add(contact)
        db.session.commit()
        contact_id = contact.id
    assert "international@bergen.example.org" in page(client, path)
    with other_worker.app_context():  # erased: gone from the page at once
        db.session.get(Contact, contact_id).email = ""
        db.session.commit()
    assert "international@bergen.example.org" not in page(client, path)
    with other_worker.app_context():
        db.session.add(
            PartnerLink(
                partner_id=nordic["bergen"].id, other_id=nordic["aarhus"].id, kind="twin_town"
            )
        )
        db.session.commit()
    assert 'href="/partners/aarhus?lang=en"' in page(client, path)
    assert client.get("/partners/no-such-town").status_code == 404


def test_unknown_partner_addresses_are_404_and_push_out_no_kept_page(client, app, nordic):
    assert client.get("/partners/bergen").status_code == 200
    for n in range(80):  # more than the pages kept
        assert client.get(f"/partners/no-such-town-{n}").status_code == 404
    assert client.head("/partners/goteborg").status_code == 404  # the home city: no page
    kept = [key[2][1] for key in app.extensions["vanort.kept.partner-pages"].entries]
    assert "bergen" in kept and not [slug for slug in kept if slug.startswith("no-such")]
