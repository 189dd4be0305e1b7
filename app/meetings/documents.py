"""The agenda and PDFs of one occurrence of a series: plain functions that change rows,
flush and write the audit log, never commit. The caller takes the series with
`services.series_for_update` first.

Files are kept by `app.documents` under instance/meetings/. Documents are public records:
a past or called-off meeting keeps its agenda and documents, and every removal is audited.
A document's file goes after the commit that deletes its row, whether the row is deleted
here or with its whole series (the database's ON DELETE CASCADE does not see files).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Mapper, object_session

from app import audit
from app import documents as files
from app.extensions import db
from app.meetings.models import MeetingSeries, OccurrenceDetail, OccurrenceDocument
from app.meetings.occurrences import SeriesOccurrence
from app.meetings.recurrence import occurrence_key
from app.meetings.validation import MeetingError

DOCUMENT_FOLDER = "meetings"


def occurrence_detail(series: MeetingSeries, original: datetime) -> OccurrenceDetail | None:
    """Return the agenda row of one occurrence, if it has one."""
    return db.session.scalar(
        sa.select(OccurrenceDetail).where(
            OccurrenceDetail.series_id == series.id, OccurrenceDetail.original_start == original
        )
    )


def occurrence_agenda(series: MeetingSeries, original: datetime) -> str:
    """Return the agenda of one occurrence ("" when none), public or not."""
    detail = occurrence_detail(series, original)
    return detail.agenda if detail is not None else ""


def occurrence_documents(series: MeetingSeries, original: datetime) -> list[OccurrenceDocument]:
    """Return the documents of one occurrence, oldest first."""
    return list(
        db.session.scalars(
            sa.select(OccurrenceDocument)
            .where(
                OccurrenceDocument.series_id == series.id,
                OccurrenceDocument.original_start == original,
            )
            .order_by(OccurrenceDocument.id)
        )
    )


def set_agenda(
    series: MeetingSeries, occ: SeriesOccurrence, agenda: str, public: bool
) -> OccurrenceDetail:
    """Save the agenda of an occurrence and whether the public page shows it.

    Invited delegates are not mailed for a new agenda alone (as with one-off meetings);
    invitations sent from now on carry it.
    """
    original = occ.occurrence.original_start
    detail = occurrence_detail(series, original)
    if detail is None:
        detail = OccurrenceDetail(series_id=series.id, original_start=original)
        db.session.add(detail)
        before = None
    else:
        before = audit.snapshot(detail)
    detail.agenda = agenda.strip()
    detail.agenda_public = bool(public)
    db.session.flush()
    audit.record(
        audit.CREATE if before is None else audit.UPDATE,
        detail,
        before=before,
        summary=(
            audit.say(
                "Agenda of occurrence %(key)s of series %(series)s (public)",
                key=occ.key,
                series=series.id,
            )
            if detail.agenda_public
            else audit.say(
                "Agenda of occurrence %(key)s of series %(series)s", key=occ.key, series=series.id
            )
        ),
    )
    return detail


def add_document(
    series: MeetingSeries,
    occ: SeriesOccurrence,
    filename: str,
    data: bytes,
    max_bytes: int,
    public: bool,
) -> OccurrenceDocument:
    """Check and store a PDF for an occurrence; a refused file leaves nothing behind."""
    name = files.check_name(filename, error=MeetingError)
    files.check_pdf(name, data, max_bytes, error=MeetingError)
    actor = current_user if getattr(current_user, "is_authenticated", False) else None
    document = OccurrenceDocument(
        series_id=series.id,
        original_start=occ.occurrence.original_start,
        name=name,
        file=files.store(DOCUMENT_FOLDER, data),
        size=len(data),
        public=bool(public),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        audit.CREATE,
        document,
        summary=audit.say(
            "Document %(name)s added to occurrence %(key)s of series %(series)s",
            name=name,
            key=occ.key,
            series=series.id,
        ),
    )
    return document


def set_document_public(document: OccurrenceDocument, public: bool) -> None:
    """Show a document on the public page, or take it off."""
    if document.public == bool(public):
        return
    before = audit.snapshot(document)
    document.public = bool(public)
    db.session.flush()
    audit.record(
        audit.UPDATE,
        document,
        before=before,
        summary=(
            audit.say("Document %(name)s made public", name=document.name)
            if public
            else audit.say("Document %(name)s made private", name=document.name)
        ),
    )


def delete_document(document: OccurrenceDocument) -> None:
    """Delete a document; its file goes once the deletion is committed."""
    audit.record(
        audit.DELETE,
        document,
        before=audit.snapshot(document),
        summary=audit.say(
            "Document %(name)s deleted from occurrence %(key)s",
            name=document.name,
            key=document.occurrence_key,
        ),
    )
    db.session.delete(document)
    db.session.flush()


def document_path(document: OccurrenceDocument) -> Path | None:
    """Return the stored file of a document, if it is there."""
    return files.stored_path(DOCUMENT_FOLDER, document.file)


def public_document(series: MeetingSeries, document_id: int) -> OccurrenceDocument | None:
    """Return a document the public may download: public, of this (published) series."""
    document = db.session.get(OccurrenceDocument, document_id)
    if document is None or document.series_id != series.id or not document.public:
        return None
    return document if series.published else None


@dataclass
class PublicExtras:
    """What the public page shows beside each occurrence: public agendas and documents."""

    agendas: dict[str, str] = field(default_factory=dict)
    documents: dict[str, list[OccurrenceDocument]] = field(default_factory=dict)


def public_extras(series: MeetingSeries) -> PublicExtras:
    """Return a series' public agendas and documents by occurrence key, in two queries."""
    agendas = db.session.execute(
        sa.select(OccurrenceDetail.original_start, OccurrenceDetail.agenda).where(
            OccurrenceDetail.series_id == series.id,
            OccurrenceDetail.agenda_public.is_(True),
            OccurrenceDetail.agenda != "",
        )
    )
    documents: dict[str, list[OccurrenceDocument]] = defaultdict(list)
    for document in db.session.scalars(
        sa.select(OccurrenceDocument)
        .where(OccurrenceDocument.series_id == series.id, OccurrenceDocument.public.is_(True))
        .order_by(OccurrenceDocument.id)
    ):
        documents[document.occurrence_key].append(document)
    return PublicExtras(
        agendas={occurrence_key(start): text for start, text in agendas},
        documents=dict(documents),
    )


# --- files follow their rows ---------------------------------------------------------------


@event.listens_for(OccurrenceDocument, "after_delete")
def _document_deleted(mapper: Mapper, connection: sa.Connection, target: OccurrenceDocument):
    files.remove_after_commit(DOCUMENT_FOLDER, target.file, object_session(target))


@event.listens_for(MeetingSeries, "before_delete")
def _series_deleted(mapper: Mapper, connection: sa.Connection, target: MeetingSeries):
    stored = connection.scalars(
        sa.select(OccurrenceDocument.file).where(OccurrenceDocument.series_id == target.id)
    )
    session = object_session(target)
    for name in stored:
        files.remove_after_commit(DOCUMENT_FOLDER, name, session)
