"""Coordinators' pages of one occurrence of a series (its agenda and documents, its
delegates, their invitations and replies) and of a series' standing delegation, under
/admin/meetings/series/<id>/."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.permissions import require_coordinator
from app.documents import pdf_download, read_upload
from app.extensions import db
from app.formfields import show_error
from app.i18n import localized
from app.meetings import delegates as service
from app.meetings import display, documents, services
from app.meetings.calendar import invitation_calevent
from app.meetings.forms import (
    AgendaForm,
    ConfirmForm,
    DelegateForm,
    DocumentForm,
    DocumentPublicForm,
)
from app.meetings.models import Delegate, MeetingSeries, OccurrenceDocument, StandingDelegate
from app.meetings.occurrence_invitations import occurrence_delegates
from app.meetings.occurrences import SeriesOccurrence, find_occurrence
from app.meetings.replies import reply_totals
from app.meetings.validation import MeetingError
from app.timeutil import utcnow

bp = require_coordinator(
    Blueprint("meetings_occurrences", __name__, url_prefix="/admin/meetings/series")
)


def _series(series_id: int) -> MeetingSeries:
    """Return a series, locked for writing when a form is sent."""
    if request.method == "POST":
        return services.series_for_update(series_id) or abort(404)
    return db.get_or_404(MeetingSeries, series_id)


def _occurrence(series: MeetingSeries, key: str) -> SeriesOccurrence:
    return find_occurrence(series, key, include_removed=True) or abort(404)


def _delegate_values(form: DelegateForm) -> dict:
    names = ("name", "role", "organisation", "city", "email", "language")
    return {name: getattr(form, name).data for name in names}


def _occurrence_page(
    series: MeetingSeries,
    occ: SeriesOccurrence,
    form: DelegateForm,
    status: int = 200,
    *,
    agenda_form: AgendaForm | None = None,
    document_form: DocumentForm | None = None,
):
    original = occ.occurrence.original_start
    delegates = occurrence_delegates(series, original)
    on_list = {d.email.casefold() for d in delegates}
    now = utcnow()
    if agenda_form is None:
        detail = documents.occurrence_detail(series, original)
        agenda_form = AgendaForm(formdata=None, obj=detail)
    html = render_template(
        "meetings/admin/occurrence.html",
        series=series,
        occ=occ,
        delegates=delegates,
        totals=reply_totals(delegates),
        sequence=invitation_calevent(occ).sequence,
        called_off=service.is_called_off(occ),
        coming=occ.start > now,
        now=now,
        missing_standing=[
            m for m in series.standing_delegates if m.email.casefold() not in on_list
        ],
        form=form,
        confirm=ConfirmForm(formdata=None),
        agenda_form=agenda_form,
        document_form=document_form or DocumentForm(formdata=None),
        documents=documents.occurrence_documents(series, original),
    )
    return html, status


def _back(series: MeetingSeries, key: str, anchor: str | None = None):
    return redirect(url_for(".occurrence_admin", series_id=series.id, key=key, _anchor=anchor))


@bp.get("/<int:series_id>/occurrences/<key>")
def occurrence_admin(series_id: int, key: str):
    series = _series(series_id)
    return _occurrence_page(series, _occurrence(series, key), DelegateForm())


@bp.post("/<int:series_id>/occurrences/<key>/delegates")
def occurrence_delegate_add(series_id: int, key: str):
    series = _series(series_id)
    occ = _occurrence(series, key)
    form = DelegateForm()
    if form.validate_on_submit():
        try:
            service.add_occurrence_delegate(series, occ.key, **_delegate_values(form))
        except MeetingError as error:
            show_error(form, error)
        else:
            flash(_("The delegate was added."), "success")
            return _back(series, occ.key)
    return _occurrence_page(series, occ, form, 422)


@bp.route(
    "/<int:series_id>/occurrences/<key>/delegates/<int:delegate_id>/delete",
    methods=["GET", "POST"],
)
def occurrence_delegate_delete(series_id: int, key: str, delegate_id: int):
    """Take a delegate off an occurrence after a page that says whether a mail goes out."""
    series = _series(series_id)
    occ = _occurrence(series, key)
    delegate = db.get_or_404(Delegate, delegate_id)
    if (delegate.series_id, delegate.original_start) != (series.id, occ.occurrence.original_start):
        abort(404)
    if request.method == "GET":
        return render_template(
            "meetings/admin/remove_delegate.html",
            person=delegate,
            where=f"{localized(series, 'title')}, {display.day(occ.start, occ.timezone)}",
            standing=False,
            will_mail=delegate.invited_sequence is not None
            and not service.is_called_off(occ)
            and occ.end > utcnow(),
            form=ConfirmForm(),
            action=url_for(
                ".occurrence_delegate_delete",
                series_id=series.id,
                key=occ.key,
                delegate_id=delegate.id,
            ),
            back_url=url_for(".occurrence_admin", series_id=series.id, key=occ.key),
        )
    if ConfirmForm().validate_on_submit():
        mail = service.remove_occurrence_delegate(series, delegate)
        flash(_("The delegate was removed."), "success")
        if mail is not None:
            flash(_("A cancellation was sent to the delegate."), "success")
    return _back(series, occ.key)


@bp.post("/<int:series_id>/occurrences/<key>/invite")
def occurrence_invite(series_id: int, key: str):
    series = _series(series_id)
    occ = _occurrence(series, key)
    form = ConfirmForm()
    if form.validate_on_submit():
        if not occurrence_delegates(series, occ.occurrence.original_start):
            flash(_("Add delegates first: nobody to invite."), "error")
            return _back(series, occ.key)
        try:
            mails = service.invite_occurrence_delegates(series, occ.key)
        except MeetingError as error:
            show_error(form, error)
            return _occurrence_page(series, occ, DelegateForm(), 422)
        if mails:
            flash(
                ngettext(
                    "Invitations queued for %(num)d delegate.",
                    "Invitations queued for %(num)d delegates.",
                    len(mails),
                ),
                "success",
            )
        else:
            flash(_("Every delegate has already been invited."), "success")
    return _back(series, occ.key)


@bp.post("/<int:series_id>/occurrences/<key>/copy-delegation")
def occurrence_copy_delegation(series_id: int, key: str):
    series = _series(series_id)
    occ = _occurrence(series, key)
    if ConfirmForm().validate_on_submit():
        try:
            added = service.copy_standing_delegation(series, occ.key)
        except MeetingError as error:
            form = DelegateForm()
            show_error(form, error)
            return _occurrence_page(series, occ, form, 422)
        if added:
            flash(
                ngettext(
                    "%(num)d delegate of the standing delegation was added.",
                    "%(num)d delegates of the standing delegation were added.",
                    len(added),
                ),
                "success",
            )
        else:
            flash(_("The whole standing delegation is already on the list."), "success")
    return _back(series, occ.key)


# --- the agenda and documents ------------------------------------------------------------


@bp.post("/<int:series_id>/occurrences/<key>/agenda")
def occurrence_agenda(series_id: int, key: str):
    series = _series(series_id)
    occ = _occurrence(series, key)
    form = AgendaForm()
    if form.validate_on_submit():
        documents.set_agenda(series, occ, form.agenda.data or "", form.agenda_public.data)
        flash(_("The agenda was saved."), "success")
        return _back(series, occ.key, "agenda-heading")
    return _occurrence_page(series, occ, DelegateForm(), 422, agenda_form=form)


@bp.post("/<int:series_id>/occurrences/<key>/documents")
def occurrence_document_add(series_id: int, key: str):
    series = _series(series_id)
    occ = _occurrence(series, key)
    form = DocumentForm()
    if form.validate_on_submit():
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        name, data = read_upload(form.document.data, limit) or ("", b"")
        try:
            documents.add_document(series, occ, name, data, limit, form.public.data)
        except MeetingError as error:
            show_error(form, error)
        else:
            flash(_("The document was added."), "success")
            return _back(series, occ.key, "documents-heading")
    return _occurrence_page(series, occ, DelegateForm(), 422, document_form=form)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge):
    """Show the occurrence page again with the size limit, rather than a bare error page."""
    args = request.view_args or {}
    series = db.session.get(MeetingSeries, args.get("series_id") or 0)
    occ = find_occurrence(series, args.get("key") or "", include_removed=True) if series else None
    if occ is None:
        return exc
    form = DocumentForm(formdata=None)
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    form.document.errors = [
        _(
            "The file is too large; at most %(max)s MB is accepted. Nothing was saved.",
            max=f"{limit / 1_048_576:.1f}",
        )
    ]
    # Nothing of the refused request is read again: its body is what was too large.
    return _occurrence_page(series, occ, DelegateForm(formdata=None), 413, document_form=form)


def _document(series: MeetingSeries, occ: SeriesOccurrence, document_id: int):
    document = db.get_or_404(OccurrenceDocument, document_id)
    if (document.series_id, document.original_start) != (series.id, occ.occurrence.original_start):
        abort(404)
    return document


@bp.get("/<int:series_id>/occurrences/<key>/documents/<int:document_id>")
def occurrence_document(series_id: int, key: str, document_id: int):
    series = _series(series_id)
    document = _document(series, _occurrence(series, key), document_id)
    return pdf_download(documents.document_path(document), document.name, public=False)


@bp.post("/<int:series_id>/occurrences/<key>/documents/<int:document_id>/public")
def occurrence_document_public(series_id: int, key: str, document_id: int):
    series = _series(series_id)
    occ = _occurrence(series, key)
    document = _document(series, occ, document_id)
    form = DocumentPublicForm()
    if form.validate_on_submit():
        documents.set_document_public(document, form.public.data)
        if document.public:
            flash(_("%(name)s is now linked from the public page.", name=document.name), "success")
        else:
            flash(_("%(name)s is no longer public.", name=document.name), "success")
    return _back(series, occ.key, "documents-heading")


@bp.post("/<int:series_id>/occurrences/<key>/documents/<int:document_id>/delete")
def occurrence_document_delete(series_id: int, key: str, document_id: int):
    series = _series(series_id)
    occ = _occurrence(series, key)
    document = _document(series, occ, document_id)
    if ConfirmForm().validate_on_submit():
        documents.delete_document(document)
        flash(_("The document was deleted."), "success")
    return _back(series, occ.key, "documents-heading")


# --- the standing delegation -------------------------------------------------------------


def _delegation_page(series: MeetingSeries, form: DelegateForm, status: int = 200):
    html = render_template(
        "meetings/admin/delegation.html", series=series, form=form, confirm=ConfirmForm()
    )
    return html, status


# One rule for both methods: Werkzeug answers an id out of range with 405, not 404, when
# a path has a GET rule and a POST rule of its own.
@bp.route("/<int:series_id>/delegation", methods=["GET", "POST"])
def delegation(series_id: int):
    series = _series(series_id)
    form = DelegateForm()
    if request.method == "GET":
        return _delegation_page(series, form)
    if form.validate_on_submit():
        try:
            service.add_standing_delegate(series, **_delegate_values(form))
        except MeetingError as error:
            show_error(form, error)
        else:
            flash(_("The delegate was added."), "success")
            return redirect(url_for(".delegation", series_id=series.id))
    return _delegation_page(series, form, 422)


@bp.post("/<int:series_id>/delegation/copy")
def delegation_copy(series_id: int):
    series = _series(series_id)
    if ConfirmForm().validate_on_submit():
        meetings, added = service.copy_standing_delegation_to_coming(series)
        if added:
            flash(
                _(
                    "%(people)s delegates were added to %(meetings)s coming meetings.",
                    people=added,
                    meetings=meetings,
                ),
                "success",
            )
        else:
            flash(_("Every coming meeting already has the whole standing delegation."), "success")
    return redirect(url_for(".delegation", series_id=series.id))


@bp.route("/<int:series_id>/delegation/<int:member_id>/delete", methods=["GET", "POST"])
def delegation_delete(series_id: int, member_id: int):
    """Take a person off a series' standing delegation after a confirmation page."""
    series = _series(series_id)
    member = db.get_or_404(StandingDelegate, member_id)
    if member.series_id != series.id:
        abort(404)
    if request.method == "GET":
        return render_template(
            "meetings/admin/remove_delegate.html",
            person=member,
            where=localized(series, "title"),
            standing=True,
            will_mail=False,
            form=ConfirmForm(),
            action=url_for(".delegation_delete", series_id=series.id, member_id=member.id),
            back_url=url_for(".delegation", series_id=series.id),
        )
    if ConfirmForm().validate_on_submit():
        service.remove_standing_delegate(series, member)
        flash(_("The delegate was removed."), "success")
    return redirect(url_for(".delegation", series_id=series.id))
