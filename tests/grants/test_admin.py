"""Grants in the workspace: create and edit, obligations, bad input in both languages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.audit import AuditEntry
from app.extensions import db
from app.grants.models import Grant, GrantObligation
from app.partners.services import home_today
from tests.factories import make_partner
from tests.grants.factories import make_grant, make_obligation


def form(**overrides):
    data = {
        "programme": "ICLD municipal partnership (Sida)",
        "title": "Accessible city",
        "partner_id": "0",
        "project_id": "0",
        "amount": "450 000,50",
        "currency": "sek",
        "reference": "ICLD-2026-017",
        "notes": "",
    }
    data.update(overrides)
    return data


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_creating_a_grant_saves_it_audited_and_shows_the_amount_in_the_page_language(logged_in):
    partner = make_partner("Nelson Mandela Bay")
    response = logged_in.post("/admin/grants/new", data=form(partner_id=str(partner.id)))
    assert response.status_code == 302
    grant = db.session.scalar(sa.select(Grant))
    assert (grant.amount, grant.currency, grant.partner_id) == (
        Decimal("450000.50"),
        "SEK",
        partner.id,
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_type == "Grant"))
    assert entry.action == "create" and entry.after_values["amount"] == "450000.50"
    english = logged_in.get("/admin/grants/?lang=en").get_data(as_text=True)
    assert "SEK450,000.50" in english and "Nelson Mandela Bay" in english
    swedish = logged_in.get("/admin/grants/?lang=sv").get_data(as_text=True)
    assert "450\xa0000,50\xa0kr" in swedish


def test_editing_a_grant_changes_it_and_raises_its_sequence_when_the_title_changes(logged_in):
    grant = make_grant()
    response = logged_in.post(
        f"/admin/grants/{grant.id}/edit", data=form(title="Accessible city, phase 2")
    )
    assert response.status_code == 302
    db.session.refresh(grant)
    assert grant.title == "Accessible city, phase 2" and grant.sequence == 1
    assert count(AuditEntry) == 1


@pytest.mark.parametrize(
    ("field", "value", "english", "swedish"),
    [
        ("amount", "-5", "Give the amount, such as 450000 or 450000.50.", "Ange beloppet"),
        ("amount", "9" * 20, "Give the amount, such as 450000 or 450000.50.", "Ange beloppet"),
        ("amount", "99999999999999", "The amount is too large.", "Beloppet är för stort."),
        ("amount", "NaN", "Give the amount, such as 450000 or 450000.50.", "Ange beloppet"),
        ("currency", "XYZ", "three-letter ISO code", "trebokstavskod"),
        ("programme", "", "This field is required.", "Det här fältet är obligatoriskt."),
    ],
)
def test_bad_grant_input_is_refused_in_both_languages_and_nothing_is_saved(
    logged_in, field, value, english, swedish
):
    answer = logged_in.post("/admin/grants/new?lang=en", data=form(**{field: value}))
    assert answer.status_code == 422
    assert english in answer.get_data(as_text=True)
    answer = logged_in.post("/admin/grants/new?lang=sv", data=form(**{field: value}))
    assert answer.status_code == 422
    assert swedish in answer.get_data(as_text=True)
    assert count(Grant) == 0 and count(AuditEntry) == 0


def test_obligations_are_added_edited_marked_done_and_deleted(logged_in):
    grant = make_grant()
    response = logged_in.post(
        f"/admin/grants/{grant.id}/obligations/new",
        data={"kind": "interim_report", "due_on": "2027-03-31", "done_on": "", "note": ""},
    )
    assert response.status_code == 302
    obligation = db.session.scalar(sa.select(GrantObligation))
    base = f"/admin/grants/{grant.id}/obligations/{obligation.id}"
    response = logged_in.post(
        f"{base}/edit",
        data={"kind": "interim_report", "due_on": "2027-04-30", "done_on": "", "note": "Late"},
    )
    assert response.status_code == 302
    db.session.refresh(obligation)
    assert (obligation.due_on, obligation.sequence) == (date(2027, 4, 30), 1)
    assert logged_in.post(f"{base}/done").status_code == 302
    db.session.refresh(obligation)
    assert obligation.done_on == home_today()
    assert logged_in.post(f"{base}/open").status_code == 302
    db.session.refresh(obligation)
    assert obligation.done_on is None
    assert logged_in.post(f"{base}/delete").status_code == 302
    assert count(GrantObligation) == 0
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "GrantObligation")
    ).all()
    assert actions == ["create", "update", "update", "update", "delete"]


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "Give a year between 1900 and 2200."), ("sv", "Ange ett år mellan 1900 och 2200.")],
)
def test_a_due_date_outside_1900_to_2200_is_refused(logged_in, lang, message):
    grant = make_grant()
    response = logged_in.post(
        f"/admin/grants/{grant.id}/obligations/new?lang={lang}",
        data={"kind": "payment", "due_on": "2301-01-01", "done_on": "", "note": ""},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(GrantObligation) == 0


def test_an_obligation_of_another_grant_is_not_found(logged_in):
    grant, other = make_grant(), make_grant(title="Other")
    obligation = make_obligation(other, "payment", date(2027, 1, 1))
    path = f"/admin/grants/{grant.id}/obligations/{obligation.id}/edit"
    assert logged_in.get(path).status_code == 404


def test_deleting_a_grant_deletes_its_obligations(logged_in):
    grant = make_grant()
    make_obligation(grant, "payment", home_today() + timedelta(days=5))
    assert logged_in.post(f"/admin/grants/{grant.id}/delete").status_code == 302
    assert count(Grant) == 0 and count(GrantObligation) == 0


def test_the_workspace_nav_links_to_grants(logged_in):
    assert 'href="/admin/grants/"' in logged_in.get("/admin/grants/").get_data(as_text=True)
