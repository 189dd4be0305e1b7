"""Uploaded PDFs kept under the instance folder (never in static/): the checks every upload
passes, and files that live and die with the transaction recording them.

A new file is written before its row is flushed and removed again when that transaction
rolls back; a file whose row is dropped or replaced is removed only once the transaction
has committed. So neither a refused request nor a failed commit leaves a file without a
row, or a row without its file. Agreements (`agreements/documents.py`) and occurrences of
meeting series (`meetings/documents.py`) keep their files here, each in a folder of its own.
"""

from __future__ import annotations

import unicodedata
import uuid
from pathlib import Path

from flask import Response, abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.domain import DomainError
from app.extensions import db

PDF_MAGIC = b"%PDF-"
MAX_NAME_LENGTH = 200
_NEW = "vanort_new_documents"
_DROPPED = "vanort_dropped_documents"


def document_folder(name: str) -> Path:
    """Return the instance folder `name` that documents are stored in, creating it."""
    folder = Path(current_app.instance_path) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_upload(upload: object, max_bytes: int) -> tuple[str, bytes] | None:
    """Return an uploaded file's name and at most max_bytes + 1 of its bytes (None: no file)."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return upload.filename, upload.stream.read(max_bytes + 1)  # type: ignore[attr-defined]


def check_name(
    filename: str, *, error: type[DomainError] = DomainError, field: str = "document"
) -> str:
    """Return an uploaded file's name as shown later, or refuse a name no file has."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    if not name:
        raise error(_l("Choose a PDF file to upload."), field)
    if any(c in "/\\" or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise error(
            _l("The file name must not hold slashes, backslashes or control characters."), field
        )
    if len(name) > MAX_NAME_LENGTH:
        raise error(
            _l("The file name is too long: at most %(max)s characters.", max=MAX_NAME_LENGTH),
            field,
        )
    return name


def check_pdf(
    filename: str,
    data: bytes,
    max_bytes: int,
    *,
    error: type[DomainError] = DomainError,
    field: str = "document",
    not_pdf: str | None = None,
) -> None:
    """Refuse an empty file, anything but a PDF, or a file larger than max_bytes."""
    if not data:
        raise error(_l("The file is empty."), field)
    if not filename.lower().endswith(".pdf") or not data.startswith(PDF_MAGIC):
        raise error(not_pdf or _l("The file must be a PDF file."), field)
    if len(data) > max_bytes:
        raise error(
            _l(
                "The file is too large: %(size)s MB; at most %(max)s MB is accepted.",
                size=f"{len(data) / 1_048_576:.1f}",
                max=f"{max_bytes / 1_048_576:.1f}",
            ),
            field,
        )


def pdf_download(path: Path | None, name: str, *, public: bool) -> Response:
    """Answer with a stored PDF as a download (404 when the file is gone)."""
    if path is None:
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)
    # A document made private again must not linger in shared caches.
    response.headers["Cache-Control"] = "no-cache" if public else "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def store(folder: str, data: bytes, session: Session | None = None) -> str:
    """Write a new file under a random name; it goes again if the transaction rolls back."""
    stored = f"{uuid.uuid4().hex}.pdf"
    path = document_folder(folder) / stored
    path.write_bytes(data)
    _pending(session or db.session(), _NEW).append(path)
    return stored


def stored_path(folder: str, stored: str | None) -> Path | None:
    """Return a stored file's path, if it is there."""
    if not stored:
        return None
    path = document_folder(folder) / Path(stored).name
    return path if path.is_file() else None


def remove_after_commit(folder: str, stored: str | None, session: Session | None = None) -> None:
    """Remove a stored file once the current transaction commits (not if it rolls back)."""
    if stored:
        path = document_folder(folder) / Path(stored).name
        _pending(session or db.session(), _DROPPED).append(path)


def _pending(session: Session, key: str) -> list[Path]:
    if not event.contains(session, "after_commit", _committed):
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_rollback", _rolled_back)
    return session.info.setdefault(key, [])


def _committed(session: Session) -> None:
    session.info.pop(_NEW, None)
    for path in session.info.pop(_DROPPED, []):
        path.unlink(missing_ok=True)


def _rolled_back(session: Session) -> None:
    session.info.pop(_DROPPED, None)
    for path in session.info.pop(_NEW, []):
        path.unlink(missing_ok=True)
