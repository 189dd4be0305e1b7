"""The agenda and PDFs of one occurrence of a series, through the workspace and public pages:
public ones on the public page, private ones to coordinators only, bad uploads refused with
nothing left behind, files removed only once a deletion is committed, the agenda mailed."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.audit import AuditEntry
from app.extensions import db
from app.meetings.models import MeetingSeries, OccurrenceDetail, OccurrenceDocument
from app.meetings.occurrences import series_occurrences
from app.timeutil import utcnow
from tests.meetings.factories import make_series

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MINUTES = PDF + b"% minutes\n"


@pytest.fixture
def series(nordic):
    return make_series([nordic["goteborg"], nordic["turku"], nordic["aarhus"], nordic["bergen"]])


@pytest.fixture
def key(series) -> str:
    now = utcnow()
    return next(o.key for o in series_occurrences(series) if o.start > now)


def page(series, key: str) -> str:
    return f"/admin/meetings/series/{series.id}/occurrences/{key}"


def upload(client, series, key, name="programme.pdf", data=PDF, public=False, lang="en"):
    form = {"document": (io.BytesIO(data), name)}
    if public:
        form["public"] = "y"
    return client.post(
        f"{page(series, key)}/documents?lang={lang}",
        data=form,
        content_type="multipart/form-data",
    )


def set_agenda(client, series, key, agenda, public=True):
    data = {"agenda": agenda, **({"agenda_public": "y"} if public else {})}
    return client.post(f"{page(series, key)}/agenda", data=data)


def stored(app) -> list[bytes]:
    folder = Path(app.instance_path) / "meetings"
    return sorted(p.read_bytes() for p in folder.iterdir()) if folder.is_dir() else []


def document(name: str) -> OccurrenceDocument:
    db.session.rollback()
    return db.session.scalar(sa.select(OccurrenceDocument).where(OccurrenceDocument.name == name))


def public_row(client, series, key) -> str:
    html = client.get(f"/meetings/{series.public_id}?lang=en").get_data(as_text=True)
    match = re.search(rf'<tr class="occurrence-extras" data-extras="{key}">.*?</tr>', html, re.S)
    return match.group(0) if match else ""


def test_the_public_page_shows_the_public_agenda_and_pdf_only(logged_in, app, series, key):
    assert set_agenda(logged_in, series, key, "1. Welcome\n2. Ports").status_code == 302
    assert upload(logged_in, series, key, "programme.pdf", public=True).status_code == 302
    assert upload(logged_in, series, key, "budget draft.pdf", MINUTES).status_code == 302
    logged_in.post("/logout")
    public, private = document("programme.pdf"), document("budget draft.pdf")
    assert (public.public, private.public) == (True, False)
    assert public.created_by_id is not None and private.size == len(MINUTES)

    row = public_row(logged_in, series, key)
    assert "1. Welcome\n2. Ports" in row and "programme.pdf" in row
    assert "budget draft" not in row
    with logged_in.get(f"/meetings/{series.public_id}/documents/{public.id}") as response:
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert logged_in.get(f"/meetings/{series.public_id}/documents/{private.id}").status_code == 404
    coordinator_url = f"{page(series, key)}/documents/{private.id}"
    assert logged_in.get(coordinator_url).status_code == 302  # to the login page


def test_a_coordinator_downloads_a_private_pdf_as_an_attachment(logged_in, series, key):
    upload(logged_in, series, key, "budget draft.pdf", MINUTES)
    private = document("budget draft.pdf")
    with logged_in.get(f"{page(series, key)}/documents/{private.id}") as response:
        assert response.status_code == 200 and response.data == MINUTES
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
    html = logged_in.get(f"{page(series, key)}?lang=en").get_data(as_text=True)
    assert "budget draft.pdf" in html and "Make public" in html


def test_a_private_agenda_and_an_unpublished_series_show_nothing_publicly(logged_in, series, key):
    set_agenda(logged_in, series, key, "Closed session", public=False)
    upload(logged_in, series, key, public=True)
    assert "Closed session" not in public_row(logged_in, series, key)
    series = db.session.get(MeetingSeries, series.id)
    series.published = False
    db.session.commit()
    doc = document("programme.pdf")
    assert logged_in.get(f"/meetings/{series.public_id}/documents/{doc.id}").status_code == 404
    other = make_series(series.rotation, title_en="Other")
    assert logged_in.get(f"/meetings/{other.public_id}/documents/{doc.id}").status_code == 404


def test_making_a_document_public_and_private_again_is_audited(logged_in, series, key):
    upload(logged_in, series, key)
    doc = document("programme.pdf")
    url = f"{page(series, key)}/documents/{doc.id}/public"
    assert logged_in.post(url, data={"public": "y"}).status_code == 302
    assert document("programme.pdf").public
    assert "programme.pdf" in public_row(logged_in, series, key)
    assert logged_in.post(url, data={}).status_code == 302
    assert not document("programme.pdf").public
    actions = db.session.scalars(
        sa.select(AuditEntry.summary).where(AuditEntry.object_type == "OccurrenceDocument")
    ).all()
    assert [a.split()[-2:] for a in actions[1:]] == [["made", "public"], ["made", "private"]]


BAD_UPLOADS = [
    ("agenda.pdf", b"MZ not a pdf", "The file must be a PDF file.", "Filen måste vara en PDF-fil."),
    ("agenda.docx", PDF, "The file must be a PDF file.", "Filen måste vara en PDF-fil."),
    ("agenda.pdf", b"", "The file is empty.", "Filen är tom."),
    ("agenda.pdf", PDF + b"0" * 2048, "The file is too large", "Filen är för stor"),
    ("../../etc/agenda.pdf", PDF, "must not hold slashes", "får inte innehålla snedstreck"),
    # The test client does not escape the header: the server reads C:\Users\agenda.pdf.
    ("C:\\\\Users\\\\agenda.pdf", PDF, "must not hold slashes", "får inte innehålla snedstreck"),
    ("agen\x07da.pdf", PDF, "must not hold slashes", "får inte innehålla snedstreck"),
    ("a" * 496 + ".pdf", PDF, "The file name is too long", "Filnamnet är för långt"),
]


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize(("name", "data", "english", "swedish"), BAD_UPLOADS)
def test_a_bad_upload_is_refused_in_the_visitors_language_and_nothing_is_kept(
    logged_in, app, series, key, lang, name, data, english, swedish
):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    response = upload(logged_in, series, key, name, data, lang=lang)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (english if lang == "en" else swedish) in html
    assert 'enctype="multipart/form-data"' in html
    assert document(name) is None and stored(app) == []
    assert db.session.scalar(sa.select(sa.func.count(OccurrenceDocument.id))) == 0


@pytest.mark.parametrize(("lang", "message"), [("en", "Choose a PDF file"), ("sv", "Välj en PDF")])
def test_a_form_without_a_file_asks_for_one(logged_in, app, series, key, lang, message):
    response = logged_in.post(
        f"{page(series, key)}/documents?lang={lang}",
        data={"public": "y"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert stored(app) == []


def test_an_upload_beyond_the_request_limit_shows_the_page_with_the_limit(
    logged_in, app, series, key
):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    response = upload(logged_in, series, key, data=PDF + b"0" * 8192)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The file is too large" in html and "Add the document" in html
    assert stored(app) == []


def test_deleting_a_document_removes_its_file_after_the_commit_and_audits_it(
    logged_in, app, series, key
):
    upload(logged_in, series, key)
    doc = document("programme.pdf")
    assert stored(app) == [PDF]
    response = logged_in.post(f"{page(series, key)}/documents/{doc.id}/delete")
    assert response.status_code == 302
    assert document("programme.pdf") is None and stored(app) == []
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "delete").order_by(AuditEntry.id.desc())
    )
    assert entry.object_type == "OccurrenceDocument" and entry.before_values["name"] == (
        "programme.pdf"
    )


def test_a_deletion_in_a_request_that_fails_keeps_the_file(
    logged_in, app, series, key, monkeypatch
):
    upload(logged_in, series, key)
    doc = document("programme.pdf")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug after the deletion")

    monkeypatch.setattr("app.meetings.admin_occurrences.flash", broken)
    response = logged_in.post(f"{page(series, key)}/documents/{doc.id}/delete")
    assert response.status_code == 500
    assert document("programme.pdf") is not None and stored(app) == [PDF]


def test_an_upload_in_a_request_that_fails_leaves_no_file(logged_in, app, series, key, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug after the upload")

    monkeypatch.setattr("app.meetings.admin_occurrences.flash", broken)
    assert upload(logged_in, series, key).status_code == 500
    assert document("programme.pdf") is None and stored(app) == []


def test_deleting_a_series_removes_its_documents_files_after_the_commit(
    logged_in, app, series, key
):
    upload(logged_in, series, key)
    set_agenda(logged_in, series, key, "1. Welcome")
    assert stored(app) == [PDF]
    db.session.delete(db.session.get(MeetingSeries, series.id))
    db.session.flush()
    assert stored(app) == [PDF]  # not before the commit
    db.session.commit()
    assert stored(app) == []
    assert db.session.scalar(sa.select(sa.func.count(OccurrenceDetail.id))) == 0


def test_a_past_meeting_keeps_its_records_and_says_so(logged_in, nordic):
    series = make_series([nordic["goteborg"], nordic["bergen"]], first_date=date(2020, 6, 10))
    now = utcnow()
    past = next(o for o in series_occurrences(series) if o.end < now - timedelta(days=1))
    html = logged_in.get(f"{page(series, past.key)}?lang=en").get_data(as_text=True)
    assert "has taken place" in html and "kept as records" in html
    assert upload(logged_in, series, past.key, "minutes.pdf", MINUTES).status_code == 302
    assert document("minutes.pdf").occurrence_key == past.key


def test_the_invitation_carries_the_agenda_even_when_it_is_not_public(logged_in, smtp, series, key):
    set_agenda(logged_in, series, key, "1. Welcome\n2. Ports and climate", public=False)
    data = {"name": "Anna Berg", "email": "anna@example.org", "language": "en"}
    assert logged_in.post(f"{page(series, key)}/delegates", data=data).status_code == 302
    assert logged_in.post(f"{page(series, key)}/invite").status_code == 302
    (mail,) = smtp.wait_for(1)
    text = mail.get_body(("plain",)).get_content()
    assert "Agenda:" in text and "2. Ports and climate" in text
    assert "2. Ports and climate" in mail.get_body(("html",)).get_content()


def test_saving_the_agenda_is_audited_and_shown_again_in_the_form(logged_in, series, key):
    set_agenda(logged_in, series, key, "1. Welcome", public=False)
    set_agenda(logged_in, series, key, "1. Welcome\n2. AOB", public=True)
    detail = db.session.scalar(sa.select(OccurrenceDetail))
    assert (detail.agenda, detail.agenda_public) == ("1. Welcome\n2. AOB", True)
    entries = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "OccurrenceDetail")
    ).all()
    assert entries == ["create", "update"]
    html = logged_in.get(page(series, key)).get_data(as_text=True)
    assert "2. AOB</textarea>" in html
