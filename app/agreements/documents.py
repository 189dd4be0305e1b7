"""Signed agreement documents: one PDF per agreement, kept under the instance folder by
`app.documents` (the checks, and files written, kept or removed with the transaction).

The file an agreement's new document replaces (or a deleted agreement's) is removed only
once the transaction that dropped it has committed, so a rolled-back change never loses the
document its row still points at; a new file goes again if its transaction rolls back.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from app import audit
from app import documents as files
from app.agreements.models import Agreement
from app.agreements.services import AgreementError
from app.extensions import db

DOCUMENT_FOLDER = "agreements"


def document_folder() -> Path:
    """Return the folder the signed documents are stored in, creating it when missing."""
    return files.document_folder(DOCUMENT_FOLDER)


def check_document(filename: str, data: bytes, max_bytes: int) -> None:
    """Refuse anything but a PDF, or a file larger than max_bytes."""
    files.check_pdf(
        filename,
        data,
        max_bytes,
        error=AgreementError,
        not_pdf=_l("The signed document must be a PDF file."),
    )


def attach_document(agreement: Agreement, filename: str, data: bytes, max_bytes: int) -> None:
    """Store a signed PDF and link it to the agreement; the file it replaces goes on commit."""
    check_document(filename, data, max_bytes)
    before = audit.snapshot(agreement)
    stored = files.store(DOCUMENT_FOLDER, data)
    remove_after_commit(agreement.document_file)
    agreement.document_file = stored
    agreement.document_name = Path(filename).name[-200:]
    agreement.document_size = len(data)
    db.session.flush()
    audit.record(
        audit.UPDATE,
        agreement,
        before=before,
        summary=audit.say("Document %(name)s", name=filename[:200]),
    )


def document_path(agreement: Agreement) -> Path | None:
    """Return the stored file of an agreement's signed document, if it is there."""
    return files.stored_path(DOCUMENT_FOLDER, agreement.document_file)


def remove_after_commit(stored: str | None) -> None:
    """Remove a stored document once the current transaction commits (not if it rolls back)."""
    files.remove_after_commit(DOCUMENT_FOLDER, stored)
