"""The audit log page lists every change with who, when, what, before and after."""

from datetime import timedelta

from app.agreements.services import home_today
from tests.agreements.factories import make_agreement
from tests.factories import make_coordinator, make_partner


def test_lists_a_change_with_its_author_and_values(logged_in):
    partner = make_partner("Lyon")
    logged_in.post(
        f"/admin/partners/{partner.id}/edit",
        data={"name": "Lyon", "slug": "lyon", "kind": "partner_city", "funding": "Interreg"},
    )
    page = logged_in.get("/admin/audit/?lang=en").get_data(as_text=True)
    assert f'data-audit="Partner-{partner.id}" data-action="update"' in page
    assert "office@example.org" in page
    assert "<ins>Interreg</ins>" in page


def test_filters_by_kind_of_record_and_by_action(logged_in):
    partner = make_partner("Lyon")
    logged_in.post(f"/admin/partners/{partner.id}/contacts/new", data={"role_en": "Office"})
    agreement = make_agreement(partner)
    page = logged_in.get("/admin/audit/?object_type=Contact").get_data(as_text=True)
    assert 'data-audit="Contact-' in page and 'data-audit="Agreement-' not in page
    page = logged_in.get("/admin/audit/?action=update").get_data(as_text=True)
    assert 'data-action="create"' not in page
    page = logged_in.get("/admin/audit/?q=Office").get_data(as_text=True)
    assert "Contact-" in page and f"Agreement-{agreement.id}" not in page


def test_filters_by_who_and_by_dates(logged_in, auth, client):
    partner = make_partner("Lyon")
    logged_in.post(f"/admin/partners/{partner.id}/contacts/new", data={"role_en": "Office"})
    other = make_coordinator("colleague@example.org")
    auth.logout()
    auth.login(other.email)
    client.post(f"/admin/partners/{partner.id}/contacts/new", data={"role_en": "Mayor's office"})
    page = client.get("/admin/audit/?actor=colleague").get_data(as_text=True)
    assert "Mayor" in page and "Office</th>" not in page
    tomorrow = (home_today() + timedelta(days=1)).isoformat()
    page = client.get(f"/admin/audit/?date_from={tomorrow}&lang=en").get_data(as_text=True)
    assert 'data-audit="Contact-' not in page
    page = client.get(f"/admin/audit/?date_to={tomorrow}&lang=en").get_data(as_text=True)
    assert page.count('data-audit="Contact-') == 2


def test_a_bad_date_in_the_filter_is_explained_not_a_500(logged_in):
    response = logged_in.get("/admin/audit/?date_from=yesterday&lang=en")
    assert response.status_code == 422
    assert "Not a valid date value" in response.get_data(as_text=True)


def test_audit_filters_at_the_ends_of_the_calendar_answer_with_a_message(logged_in):
    for query in ("date_to=9999-12-31", "date_from=0001-01-01"):
        response = logged_in.get(f"/admin/audit/?lang=en&{query}")
        assert response.status_code == 422, query
        assert "Give a year between 1900 and 2200." in response.get_data(as_text=True)
    assert logged_in.get("/admin/audit/?page=99999999999999999999").status_code == 200
