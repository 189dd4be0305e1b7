"""Signed agreement documents: PDFs stored under the instance folder, one per agreement.

A file is written when it is attached; the file it replaces (or a deleted agreement's)
is removed only once the transaction that dropped it has committed, so a rolled-back
change never loses the document its row still points at.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import audit
from app.agreements.models import Agreement
from app.agreements.services import AgreementError
from app.extensions import db

PDF_MAGIC = b"%PDF-"
DOCUMENT_FOLDER = "agreements"
_DROPPED = "vanort_dropped_agreement_documents"


def document_folder() -> Path:
    """Return the folder the signed documents are stored in, creating it when missing."""
    folder = Path(current_app.instance_path) / DOCUMENT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_document(filename: str, data: bytes, max_bytes: int) -> None:
    """Refuse anything but a PDF, or a file larger than max_bytes."""
    if not filename.lower().endswith(".pdf") or not data.startswith(PDF_MAGIC):
        raise AgreementError(_l("The signed document must be a PDF file."), "document")
    if len(data) > max_bytes:
        raise AgreementError(
            _l(
                "The file is too large: %(size)s MB; at most %(max)s MB is accepted.",
                size=f"{len(data) / 1_048_576:.1f}",
                max=f"{max_bytes / 1_048_576:.1f}",
            ),
            "document",
        )


def attach_document(agreement: Agreement, filename: str, data: bytes, max_bytes: int) -> None:
    """Store a signed PDF and link it to the agreement; the file it replaces goes on commit."""
    check_document(filename, data, max_bytes)
    before = audit.snapshot(agreement)
    stored = f"{uuid.uuid4().hex}.pdf"
    (document_folder() / stored).write_bytes(data)
    remove_after_commit(agreement.document_file)
    agreement.document_file = stored
    agreement.document_name = Path(filename).name[-200:]
    agreement.document_size = len(data)
    db.session.flush()
    audit.record(audit.UPDATE, agreement, before=before, summary=f"document {filename}"[:300])


def document_path(agreement: Agreement) -> Path | None:
    """Return the stored file of an agreement's signed document, if it is there."""
    if not agreement.document_file:
        return None
    path = document_folder() / agreement.document_file
    return path if path.is_file() else None


def remove_after_commit(stored: str | None) -> None:
    """Remove a stored document once the current transaction commits (not if it rolls back)."""
    if not stored:
        return
    session = db.session()
    session.info.setdefault(_DROPPED, []).append(stored)
    if not event.contains(session, "after_commit", _remove_dropped):
        event.listen(session, "after_commit", _remove_dropped)
        event.listen(session, "after_rollback", _keep_dropped)


def _remove_dropped(session: Session) -> None:
    for stored in session.info.pop(_DROPPED, []):
        (document_folder() / Path(stored).name).unlink(missing_ok=True)


def _keep_dropped(session: Session) -> None:
    session.info.pop(_DROPPED, None)
