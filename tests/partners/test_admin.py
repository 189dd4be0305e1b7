"""Partners, networks, projects and contacts in the workspace, with the audit log."""

import sqlalchemy as sa

from app.audit import AuditEntry
from app.csvutil import read_excel_csv
from app.extensions import db
from app.partners.models import Contact, Partner, Project
from tests.agreements.factories import make_agreement
from tests.factories import make_partner


def partner_form(**overrides):
    data = {
        "name": "Nelson Mandela Bay",
        "slug": "",
        "kind": "partner_city",
        "other_names": "",
        "country": "za",
        "timezone": "Africa/Johannesburg",
        "since_year": "1999",
        "funding": "SIDA through ICLD",
    }
    data.update(overrides)
    return data


def entries(object_type):
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id)
    ).all()


def test_adding_a_partner_derives_its_address_name_and_is_audited(logged_in):
    response = logged_in.post("/admin/partners/new", data=partner_form())
    assert response.status_code == 302
    partner = db.session.scalar(sa.select(Partner))
    assert (partner.slug, partner.country) == ("nelson-mandela-bay", "ZA")
    assert [e.action for e in entries("Partner")] == ["create"]


def test_no_partner_may_take_the_address_of_the_partner_graph(logged_in):
    response = logged_in.post("/admin/partners/new?lang=en", data=partner_form(slug="graph"))
    assert response.status_code == 422
    assert "belongs to a page of the site" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Partner)) is None
    assert logged_in.get("/partners/graph").status_code == 200


def test_adding_a_network_from_the_networks_list(logged_in):
    logged_in.post("/admin/partners/new", data=partner_form(name="Eurotowns", kind="network"))
    page = logged_in.get("/admin/networks/").get_data(as_text=True)
    assert 'data-partner="eurotowns"' in page


def test_a_taken_address_name_is_refused_on_the_form(logged_in):
    make_partner("Lyon")
    response = logged_in.post("/admin/partners/new?lang=en", data=partner_form(name="Lyon"))
    assert response.status_code == 422
    assert "already uses this address name" in response.get_data(as_text=True)


def test_an_unknown_time_zone_is_refused_in_swedish(logged_in):
    response = logged_in.post(
        "/admin/partners/new?lang=sv", data=partner_form(timezone="Mars/Olympus")
    )
    assert response.status_code == 422
    assert "Det här är ingen tidszon vi känner till." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Partner)) is None


def test_the_time_zone_is_chosen_from_a_searchable_list_of_zones(logged_in):
    partner = make_partner("Chicago", timezone="America/Chicago")
    for path in ("/admin/partners/new", f"/admin/partners/{partner.id}/edit"):
        page = logged_in.get(path).get_data(as_text=True)
        field = (
            page.split('name="timezone"')[0].rsplit("<input", 1)[1]
            + page.split('name="timezone"')[1].split(">")[0]
        )
        assert 'list="timezones"' in field
        zones = page.split('<datalist id="timezones">')[1].split("</datalist>")[0]
        assert '<option value="Europe/Stockholm">' in zones
        assert '<option value="America/Chicago">' in zones


def test_a_new_meeting_from_a_partner_page_is_preset_to_its_city_and_zone(logged_in):
    partner = make_partner("Chicago", timezone="America/Chicago")
    page = logged_in.get(f"/admin/partners/{partner.id}").get_data(as_text=True)
    assert f"/admin/meetings/new?partner={partner.id}" in page
    form = logged_in.get(f"/admin/meetings/new?partner={partner.id}").get_data(as_text=True)
    assert f'<option selected value="{partner.id}">Chicago</option>' in form
    assert 'value="America/Chicago"' in form.split('name="timezone"')[1].split(">")[0]


def test_editing_a_partner_records_the_values_before_and_after(logged_in):
    partner = make_partner("Nelson Mandela Bay", country="ZA", timezone="Africa/Johannesburg")
    logged_in.post(
        f"/admin/partners/{partner.id}/edit",
        data=partner_form(slug="nelson-mandela-bay", funding="ICLD"),
    )
    update = entries("Partner")[-1]
    assert update.action == "update"
    assert update.before_values["funding"] == ""
    assert update.after_values["funding"] == "ICLD"
    assert "funding" in update.changed_fields


def test_deleting_a_partner_that_still_has_agreements_is_refused(logged_in):
    agreement = make_agreement(make_partner("Shanghai"))
    response = logged_in.post(f"/admin/partners/{agreement.partner_id}/delete?lang=en")
    assert response.status_code == 422
    assert "still has 1 agreement." in response.get_data(as_text=True)
    assert db.session.get(Partner, agreement.partner_id) is not None


def test_deleting_a_partner_asks_first_then_removes_it_with_its_projects(logged_in):
    partner = make_partner("Bergen")
    logged_in.post(
        f"/admin/partners/{partner.id}/projects/new",
        data={"title_sv": "Kultur", "title_en": "Culture", "starts_year": "2020"},
    )
    assert logged_in.get(f"/admin/partners/{partner.id}/delete").status_code == 200
    response = logged_in.post(f"/admin/partners/{partner.id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0
    assert [e.action for e in entries("Partner")] == ["delete"]


def test_a_project_ending_before_it_starts_is_refused(logged_in):
    partner = make_partner()
    response = logged_in.post(
        f"/admin/partners/{partner.id}/projects/new?lang=en",
        data={"title_en": "Culture", "starts_year": "2020", "ends_year": "2019"},
    )
    assert response.status_code == 422
    assert "must not be before the first year" in response.get_data(as_text=True)


def test_contacts_are_added_edited_and_deleted(logged_in):
    partner = make_partner("Aarhus")
    logged_in.post(
        f"/admin/partners/{partner.id}/contacts/new",
        data={"role_en": "International office", "email": "international@example.org"},
    )
    contact = db.session.scalar(sa.select(Contact))
    assert contact.role_sv == "International office"
    logged_in.post(
        f"/admin/contacts/{contact.id}/edit",
        data={
            "role_sv": "Internationella kontoret",
            "role_en": "International office",
            "email": "office@example.org",
        },
    )
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).email == "office@example.org"
    logged_in.post(f"/admin/contacts/{contact.id}/delete")
    assert db.session.scalar(sa.select(Contact)) is None
    assert [e.action for e in entries("Contact")] == ["create", "update", "delete"]


def test_a_contact_with_a_bad_address_is_refused(logged_in):
    partner = make_partner()
    response = logged_in.post(
        f"/admin/partners/{partner.id}/contacts/new",
        data={"role_en": "Office", "email": "not an address"},
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(Contact)) is None


def test_the_partner_list_searches_other_names_and_sorts_both_ways(logged_in):
    make_partner("Århus", other_names="Aarhus", since_year=1946)
    make_partner("Bergen", since_year=1950)
    make_partner("Lyon", since_year=1990)
    page = logged_in.get("/admin/partners/?q=aarhus").get_data(as_text=True)
    assert "Århus" in page and "Bergen" not in page
    page = logged_in.get("/admin/partners/?sort=since&dir=desc").get_data(as_text=True)
    assert page.index("Lyon") < page.index("Bergen") < page.index("Århus")


def test_the_project_and_contact_lists_search(logged_in):
    partner = make_partner("Délice")
    logged_in.post(
        f"/admin/partners/{partner.id}/projects/new",
        data={"title_en": "Food cities", "title_sv": "Matstäder"},
    )
    logged_in.post(
        f"/admin/partners/{partner.id}/contacts/new",
        data={"role_en": "Secretariat", "email": "secretariat@example.org"},
    )
    assert "Matstäder" in logged_in.get("/admin/projects/?q=mat").get_data(as_text=True)
    assert "Matstäder" not in logged_in.get("/admin/projects/?q=zzz").get_data(as_text=True)
    assert "secretariat@example.org" in logged_in.get("/admin/contacts/?q=secr").get_data(
        as_text=True
    )


def test_the_partner_export_round_trips_swedish_characters_and_neutralises_formulas(logged_in):
    make_partner("Göteborg", kind="home", country="SE")
    make_partner("Nelson Mandela Bay", country="ZA", funding="=SUM(A1:A9)")
    response = logged_in.get("/admin/partners.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith("\ufeff".encode())
    rows = read_excel_csv(response.data)
    header, body = rows[0], rows[1:]
    by_name = {r[header.index("Namn")]: r for r in body}
    assert set(by_name) == {"Göteborg", "Nelson Mandela Bay"}
    assert by_name["Nelson Mandela Bay"][header.index("Finansiering")] == "'=SUM(A1:A9)"


def test_the_partner_export_speaks_the_coordinators_language(logged_in):
    make_partner("Lyon", since_year=1996, since_approximate=True)
    for lang, name, kind, city, approximate in (
        ("sv", "Namn", "Typ", "Partnerstad", "Ja"),
        ("en", "Name", "Kind", "Partner city", "Yes"),
    ):
        rows = read_excel_csv(logged_in.get(f"/admin/partners.csv?lang={lang}").data)
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row[name] == "Lyon" and row[kind] == city, lang
        assert approximate in row.values(), lang


def test_ending_a_partnership_ends_its_current_agreements_with_the_reason(logged_in):
    from datetime import date

    from app.agreements import services
    from app.agreements.models import Agreement

    first = make_agreement(make_partner("Chicago"), starts_on=date(2019, 1, 1))
    second = services.renew(first, signed_on=date(2021, 6, 1))
    db.session.commit()
    response = logged_in.post(
        f"/admin/partners/{first.partner_id}/end",
        data={"ended_on": "2023-06-30", "reason": "Council decision 2023-05"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, second.id).end_reason == "Council decision 2023-05"
    assert db.session.get(Agreement, first.id).ended_on is None  # the renewed term stays


def test_ending_a_partnership_without_a_reason_is_refused(logged_in):
    agreement = make_agreement(make_partner("Chicago"))
    response = logged_in.post(
        f"/admin/partners/{agreement.partner_id}/end?lang=en",
        data={"ended_on": "2025-06-30", "reason": ""},
    )
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)


def test_deleting_a_partner_that_hosts_a_meeting_is_refused_and_nothing_is_deleted(logged_in):
    from datetime import UTC, datetime

    from app.meetings.models import Meeting

    partner = make_partner("Bergen", timezone="Europe/Oslo")
    logged_in.post(f"/admin/partners/{partner.id}/contacts/new", data={"role_en": "Office"})
    db.session.add(
        Meeting(
            title_sv="Möte",
            title_en="Meeting",
            partner_id=partner.id,
            timezone="Europe/Oslo",
            starts_at=datetime(2027, 6, 1, 8, tzinfo=UTC),
            ends_at=datetime(2027, 6, 1, 9, tzinfo=UTC),
        )
    )
    db.session.commit()
    response = logged_in.post(f"/admin/partners/{partner.id}/delete?lang=en")
    assert response.status_code == 422
    assert "still has agreements or other records" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Partner, partner.id) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 1
