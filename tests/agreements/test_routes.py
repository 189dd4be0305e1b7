"""Agreements in the workspace: forms, bad input, renewal, documents, export, timeline."""

import io
import re
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from app.agreements.models import Agreement
from app.audit import AuditEntry
from app.csvutil import read_excel_csv
from app.extensions import db
from tests.agreements.factories import make_agreement
from tests.factories import make_partner

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form(partner, **overrides):
    data = {
        "partner_id": str(partner.id),
        "kind": "memorandum",
        "title": "Memorandum 2025–2027",
        "signed_on": "2024-12-01",
        "starts_on": "2025-01-01",
        "ends_on": "",
        "decision_lead_days": "120",
        "signatories": "Mayors",
        "notes": "",
    }
    data.update(overrides)
    return data


def count_agreements():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Agreement))


def test_creating_a_memorandum_without_an_end_gives_a_three_year_term(logged_in):
    partner = make_partner("Shanghai")
    response = logged_in.post("/admin/agreements/new", data=form(partner))
    assert response.status_code == 302
    agreement = db.session.scalar(sa.select(Agreement))
    assert (agreement.starts_on, agreement.ends_on) == (date(2025, 1, 1), date(2027, 12, 31))


def test_creating_an_agreement_is_audited_with_its_values(logged_in):
    partner = make_partner()
    logged_in.post("/admin/agreements/new", data=form(partner))
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_type == "Agreement"))
    assert entry.action == "create"
    assert entry.actor_email == "office@example.org"
    assert entry.after_values["title"] == "Memorandum 2025–2027"


def test_an_end_before_the_start_is_refused_on_the_form_in_swedish(logged_in):
    partner = make_partner()
    response = logged_in.post(
        "/admin/agreements/new",
        data=form(partner, ends_on="2024-06-01"),
        headers={"Accept-Language": "sv"},
    )
    assert response.status_code == 422
    assert "Slutdatumet får inte vara före startdatumet." in response.get_data(as_text=True)
    assert count_agreements() == 0


def test_an_end_before_the_start_is_refused_in_english(logged_in):
    partner = make_partner()
    response = logged_in.post(
        "/admin/agreements/new?lang=en", data=form(partner, ends_on="2024-06-01")
    )
    assert response.status_code == 422
    assert "The end date must not be before the start date." in response.get_data(as_text=True)


def test_a_lead_time_longer_than_the_term_is_refused_on_the_form(logged_in):
    partner = make_partner()
    response = logged_in.post(
        "/admin/agreements/new?lang=en",
        data=form(partner, ends_on="2025-02-28", decision_lead_days="120"),
    )
    assert response.status_code == 422
    assert "longer than the term" in response.get_data(as_text=True)
    assert count_agreements() == 0


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_saved(logged_in, app):
    partner = make_partner()
    data = form(partner, document=(io.BytesIO(b"MZ not a pdf"), "agreement.pdf"))
    response = logged_in.post(
        "/admin/agreements/new?lang=en", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "must be a PDF file" in response.get_data(as_text=True)
    assert count_agreements() == 0


def test_a_pdf_that_is_too_large_is_refused_and_nothing_is_saved(logged_in, app):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    partner = make_partner()
    data = form(partner, document=(io.BytesIO(PDF + b"0" * 2048), "agreement.pdf"))
    response = logged_in.post(
        "/admin/agreements/new?lang=en", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)
    assert count_agreements() == 0


def test_an_upload_beyond_the_request_limit_shows_the_form_with_the_limit(logged_in, app):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    partner = make_partner()
    data = form(partner, document=(io.BytesIO(PDF + b"0" * 8192), "agreement.pdf"))
    response = logged_in.post(
        "/admin/agreements/new?lang=en", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is too large" in page and 'name="title"' in page
    assert count_agreements() == 0


def test_a_renewal_cannot_be_moved_to_start_inside_the_term_it_renews(logged_in):
    old = make_agreement(starts_on=date(2024, 1, 1))
    logged_in.post(f"/admin/agreements/{old.id}/renew", data={"signed_on": ""})
    new = db.session.scalar(sa.select(Agreement).where(Agreement.renews_id == old.id))
    data = form(old.partner, starts_on="2026-06-01", ends_on="2029-12-31")
    response = logged_in.post(f"/admin/agreements/{new.id}/edit?lang=en", data=data)
    assert response.status_code == 422
    assert "must start after that one ends" in response.get_data(as_text=True)


def test_a_signed_pdf_is_stored_under_the_instance_folder_and_served_to_coordinators(
    logged_in, app
):
    partner = make_partner()
    data = form(partner, document=(io.BytesIO(PDF), "signed.pdf"))
    logged_in.post("/admin/agreements/new", data=data, content_type="multipart/form-data")
    agreement = db.session.scalar(sa.select(Agreement))
    assert agreement.document_name == "signed.pdf"
    stored = list((Path(app.instance_path) / "agreements").iterdir())
    assert [p.read_bytes() for p in stored] == [PDF]
    with logged_in.get(f"/admin/agreements/{agreement.id}/document") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data == PDF


def test_the_signed_document_is_not_served_to_an_anonymous_visitor(client, app):
    agreement = make_agreement()
    response = client.get(f"/admin/agreements/{agreement.id}/document")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_renewing_from_the_workspace_creates_the_next_term_and_marks_the_old_renewed(logged_in):
    old = make_agreement(starts_on=date(2020, 1, 1))  # ended 2022-12-31
    response = logged_in.post(
        f"/admin/agreements/{old.id}/renew?lang=en",
        data={"signed_on": "2022-09-01"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    new = db.session.scalar(sa.select(Agreement).where(Agreement.renews_id == old.id))
    assert new.starts_on == old.ends_on + timedelta(days=1)
    assert new.ends_on == date(2025, 12, 31)
    page = logged_in.get(f"/admin/agreements/{old.id}?lang=en").get_data(as_text=True)
    assert 'data-status="renewed"' in page


def test_the_renewal_form_leaves_the_signing_date_empty_as_its_hint_says(logged_in):
    old = make_agreement(signatories="Mayors")
    page = logged_in.get(f"/admin/agreements/{old.id}/renew?lang=en").get_data(as_text=True)
    signed = re.search(r'<input[^>]*name="signed_on"[^>]*>', page).group(0)
    assert 'value="' not in signed or 'value=""' in signed
    assert "Leave empty if the new term is not signed yet." in page
    assert "Mayors" in page


def test_after_renewal_the_running_term_is_in_force_and_the_next_one_coming(logged_in):
    from app.agreements.services import home_today

    today = home_today()
    running = make_agreement(starts_on=today - timedelta(days=900))  # ends in about 7 months
    logged_in.post(f"/admin/agreements/{running.id}/renew", data={"signed_on": ""})
    logged_in.post(
        f"/admin/agreements/{running.id}/renew",
        data={"signed_on": today.isoformat()},
    )
    db.session.rollback()
    new = db.session.scalar(sa.select(Agreement).where(Agreement.renews_id == running.id))
    assert new.signed_on is None  # the first renewal, left unsigned, made the next term
    logged_in.post(
        f"/admin/agreements/{new.id}/edit",
        data=form(
            running.partner, signed_on=today.isoformat(), starts_on=new.starts_on.isoformat()
        ),
    )
    page = logged_in.get(f"/admin/agreements/{running.id}").get_data(as_text=True)
    chain = page.split('id="chain-heading"')[1]
    old_row = chain.split(f'data-agreement="{running.id}"')[1].split("</tr>")[0]
    new_row = chain.split(f'data-agreement="{new.id}"')[1].split("</tr>")[0]
    assert 'data-status="active"' in old_row and "Gällande" in old_row
    assert 'data-status="upcoming"' in new_row and "Kommande" in new_row


def test_an_overlapping_agreement_of_the_same_partner_is_saved_with_a_warning(logged_in):
    partner = make_partner("Lyon")
    first = make_agreement(partner, title="Memorandum 2024–2026")
    response = logged_in.post(
        "/admin/agreements/new?lang=en",
        data=form(partner, starts_on="2025-06-01"),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count_agreements() == 2
    warning = page.split('class="flash flash-warning"')[1].split("</p>")[0]
    assert "overlaps" in warning and "Memorandum 2024–2026" in warning
    assert f'data-overlap="{first.id}"' in page
    # A term of another kind beside it (a partner-city agreement) is no mistake.
    response = logged_in.post(
        "/admin/agreements/new?lang=en",
        data=form(partner, kind="partner_city_agreement", starts_on="2025-06-01"),
        follow_redirects=True,
    )
    assert "flash-warning" not in response.get_data(as_text=True)


def test_the_partner_choice_starts_empty_and_leaves_out_the_municipality(logged_in):
    from tests.factories import make_home

    home = make_home("Göteborg")
    lyon = make_partner("Lyon")
    page = logged_in.get("/admin/agreements/new?lang=en").get_data(as_text=True)
    select = page.split('name="partner_id"')[1].split("</select>")[0]
    assert '<option selected value="">Choose a partner</option>' in select
    assert ">0<" not in select and 'value="0"' not in select
    assert f'value="{lyon.id}"' in select and f'value="{home.id}"' not in select
    response = logged_in.post("/admin/agreements/new?lang=en", data=form(lyon, partner_id=""))
    assert response.status_code == 422 and "Choose a partner." in response.get_data(as_text=True)
    response = logged_in.post("/admin/agreements/new?lang=en", data=form(home))
    assert response.status_code == 422 and count_agreements() == 0


def test_renewing_an_already_renewed_agreement_is_refused_with_a_message(logged_in):
    old = make_agreement()
    logged_in.post(f"/admin/agreements/{old.id}/renew", data={"signed_on": ""})
    response = logged_in.post(f"/admin/agreements/{old.id}/renew?lang=en", data={"signed_on": ""})
    assert response.status_code == 422
    assert "already been renewed" in response.get_data(as_text=True)
    assert count_agreements() == 2


def test_ending_a_partnership_needs_a_reason(logged_in):
    agreement = make_agreement()
    response = logged_in.post(
        f"/admin/agreements/{agreement.id}/end?lang=en",
        data={"ended_on": "2025-06-30", "reason": ""},
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).ended_on is None


def test_ending_a_partnership_records_its_reason(logged_in):
    agreement = make_agreement()
    logged_in.post(
        f"/admin/agreements/{agreement.id}/end",
        data={"ended_on": "2025-06-30", "reason": "The council ended the cooperation"},
    )
    db.session.expire_all()
    ended = db.session.get(Agreement, agreement.id)
    assert ended.end_reason == "The council ended the cooperation"
    assert ended.status(date(2025, 7, 1)) == "ended"


def test_editing_keeps_the_rules_and_records_before_and_after(logged_in):
    agreement = make_agreement()
    data = form(agreement.partner, title="Renamed", starts_on="2024-01-01", ends_on="2026-12-31")
    logged_in.post(f"/admin/agreements/{agreement.id}/edit", data=data)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.before_values["title"] == "Memorandum of understanding"
    assert entry.after_values["title"] == "Renamed"


def test_deleting_asks_for_confirmation_first(logged_in):
    agreement = make_agreement()
    page = logged_in.get(f"/admin/agreements/{agreement.id}/delete")
    assert page.status_code == 200
    assert count_agreements() == 1
    logged_in.post(f"/admin/agreements/{agreement.id}/delete")
    assert count_agreements() == 0


def test_the_list_searches_and_filters_by_status(logged_in):
    make_agreement(make_partner("Shanghai"), title="Shanghai memorandum")
    make_agreement(make_partner("Lyon"), title="Lyon memorandum", signed_on=None)
    page = logged_in.get("/admin/agreements/?q=shang").get_data(as_text=True)
    assert "Shanghai memorandum" in page and "Lyon memorandum" not in page
    page = logged_in.get("/admin/agreements/?status=draft").get_data(as_text=True)
    assert "Lyon memorandum" in page and "Shanghai memorandum" not in page


def test_the_csv_export_round_trips_swedish_and_long_names_and_neutralises_formulas(logged_in):
    make_agreement(make_partner("Göteborg"), title="=HYPERLINK(evil)")
    make_agreement(make_partner("Nelson Mandela Bay"), title="Partnerskap")
    response = logged_in.get("/admin/agreements/export.csv")
    assert response.data.startswith("\ufeff".encode())
    rows = read_excel_csv(response.data)
    partners = {r[1] for r in rows[1:]}
    assert partners == {"Göteborg", "Nelson Mandela Bay"}
    assert "'=HYPERLINK(evil)" in {r[4] for r in rows[1:]}


def test_the_csv_export_speaks_the_coordinators_language(logged_in):
    make_agreement(make_partner("Lyon"), starts_on=date(2010, 1, 1))
    sv = read_excel_csv(logged_in.get("/admin/agreements/export.csv?lang=sv").data)
    en = read_excel_csv(logged_in.get("/admin/agreements/export.csv?lang=en").data)
    assert sv[0][:4] == ["Nummer", "Partner", "Partnerns adressnamn", "Typ av avtal"]
    assert en[0][:4] == ["Number", "Partner", "Partner's address name", "Kind of agreement"]
    row_sv, row_en = dict(zip(sv[0], sv[1], strict=True)), dict(zip(en[0], en[1], strict=True))
    assert row_sv["Typ av avtal"] == "Samförståndsavtal" and row_sv["Status"] == "Utgånget"
    assert row_en["Kind of agreement"] == "Memorandum of understanding"
    assert row_en["Status"] == "Expired"
    assert row_en["Starts on"] == "2010-01-01"  # dates stay ISO: Excel reads them as dates


def test_the_timeline_marks_today_and_every_term(logged_in):
    first = make_agreement(make_partner("Shanghai"), starts_on=date(2018, 1, 1))
    make_agreement(make_partner("Lyon"), starts_on=date(2023, 1, 1))
    response = logged_in.get("/admin/agreements/timeline.svg?lang=en")
    svg = response.get_data(as_text=True)
    assert response.mimetype == "image/svg+xml"
    assert svg.count("<rect x=") >= 2 + 6  # two terms, six legend swatches
    assert "Today " in svg and "tl-today" in svg
    assert "Shanghai" in svg and str(first.starts_on.year) in svg


def test_a_start_in_the_year_9999_is_refused_on_the_form_not_a_crash(logged_in):
    partner = make_partner()
    response = logged_in.post(
        "/admin/agreements/new?lang=en", data=form(partner, starts_on="9999-06-01", ends_on="")
    )
    assert response.status_code == 422
    assert "Give a year between 1900 and 2200." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Agreement)) is None


def test_moving_an_agreement_to_another_partner_is_audited_with_both_partners(logged_in):
    old_partner = make_partner("Lyon")
    new_partner = make_partner("Bergen")
    agreement = make_agreement(old_partner)
    data = form(new_partner, starts_on="2024-01-01", ends_on="2026-12-31")
    response = logged_in.post(f"/admin/agreements/{agreement.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).partner_id == new_partner.id
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.before_values["partner_id"] == old_partner.id
    assert entry.after_values["partner_id"] == new_partner.id
    page = logged_in.get("/admin/audit/?object_type=Agreement&lang=en").get_data(as_text=True)
    old, new = f"{old_partner.name} ({old_partner.id})", f"{new_partner.name} ({new_partner.id})"
    shown = rf"<dt>Partner</dt>\s*<dd><del>{re.escape(old)}</del> → <ins>{re.escape(new)}</ins>"
    assert re.search(shown, page)


def stored_files(app):
    folder = Path(app.instance_path) / "agreements"
    return sorted(p.read_bytes() for p in folder.iterdir()) if folder.is_dir() else []


def test_replacing_the_signed_document_removes_the_old_file(logged_in, app):
    partner = make_partner()
    data = form(partner, document=(io.BytesIO(PDF), "first.pdf"))
    logged_in.post("/admin/agreements/new", data=data, content_type="multipart/form-data")
    agreement = db.session.scalar(sa.select(Agreement))
    second = PDF + b"% second\n"
    data = form(partner, document=(io.BytesIO(second), "second.pdf"))
    response = logged_in.post(
        f"/admin/agreements/{agreement.id}/edit", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert stored_files(app) == [second]


def test_deleting_an_agreement_removes_its_signed_document(logged_in, app):
    partner = make_partner()
    data = form(partner, document=(io.BytesIO(PDF), "signed.pdf"))
    logged_in.post("/admin/agreements/new", data=data, content_type="multipart/form-data")
    agreement = db.session.scalar(sa.select(Agreement))
    assert stored_files(app) == [PDF]
    logged_in.post(f"/admin/agreements/{agreement.id}/delete")
    assert count_agreements() == 0
    assert stored_files(app) == []
