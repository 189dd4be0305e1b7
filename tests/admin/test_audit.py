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


def _row(page: str, marker: str) -> str:
    return page.split(marker)[1].split("</tr>")[0]


def test_a_change_reads_in_swedish_with_field_names_words_and_home_time(logged_in):
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from app.audit import AuditEntry
    from app.extensions import db

    partner = make_partner("Lyon", kind="partner_city")
    logged_in.post(
        f"/admin/partners/{partner.id}/edit",
        data={
            "name": "Lyon",
            "slug": "lyon",
            "kind": "twin_town",
            "funding": "Interreg",
            "since_approximate": "y",
        },
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "update"))
    entry.at = datetime(2027, 1, 15, 11, 5, tzinfo=UTC)  # 12:05 in Stockholm
    db.session.commit()
    row = _row(
        logged_in.get("/admin/audit/?lang=sv").get_data(as_text=True), 'data-action="update"'
    )
    assert ">15 januari 2027 12:05</time>" in row
    assert "<dt>Finansiering</dt>" in row and "funding" not in row
    assert "<del>Partnerstad</del> → <ins>Vänort</ins>" in row
    assert "<dt>Året är ungefärligt</dt>" in row and "<ins>Ja</ins>" in row
    assert "Ändrad" in row


def test_what_happened_is_said_in_the_readers_language_with_dates_in_its_style(logged_in, app):
    from datetime import date

    from app.extensions import db
    from app.grants import services as grants
    from tests.grants.factories import make_grant

    grant = make_grant(title="Unga i hamnstäder")
    grants.add_obligation(grant, kind="final_report", due_on=date(2027, 3, 5))
    db.session.commit()
    page = logged_in.get("/admin/audit/?object_type=GrantObligation&lang=sv")
    assert "Unga i hamnstäder: Slutrapport senast 5 mars 2027" in page.get_data(as_text=True)
    page = logged_in.get("/admin/audit/?object_type=GrantObligation&lang=en")
    assert "Unga i hamnstäder: Final report due March 5, 2027" in page.get_data(as_text=True)


def test_an_entry_from_before_the_translated_summaries_still_shows(logged_in):
    from app.audit import AuditEntry
    from app.extensions import db

    db.session.add(
        AuditEntry(
            action="update",
            object_type="Signup",
            object_id="7",
            summary="Offer lapsed",
            before='{"status": "offered"}',
            after='{"status": "expired"}',
        )
    )
    db.session.commit()
    response = logged_in.get("/admin/audit/?lang=sv")
    assert response.status_code == 200
    row = _row(response.get_data(as_text=True), 'data-audit="Signup-7"')
    assert "Anmälan 7: Offer lapsed" in row
    assert "<del>Platser erbjudna</del> → <ins>Erbjudandet förföll</ins>" in row


def test_every_audited_kind_of_record_and_field_has_words(app):
    from app.admin.labels import FIELD_LABELS, OBJECT_LABELS
    from app.extensions import db

    mappers = {m.class_.__name__: m for m in db.Model.registry.mappers}
    missing = [
        f"{name}.{column.key}"
        for name in OBJECT_LABELS
        if name in mappers
        for column in mappers[name].column_attrs
        if column.key not in FIELD_LABELS and not column.key.endswith(("_hash", "password_hash"))
    ]
    assert missing == []
