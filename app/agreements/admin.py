"""Agreements in the coordinators' workspace under /admin/agreements/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge

from app import charts
from app.agreements import documents, services
from app.agreements.forms import AgreementForm, DeleteForm, EndForm, RenewForm
from app.agreements.labels import KIND_LABELS, STATUS_LABELS, STATUS_SYMBOLS
from app.agreements.models import STATUSES, Agreement, term_end
from app.agreements.timeline import Term, timeline_svg
from app.auth.permissions import require_coordinator
from app.csvutil import excel_csv
from app.documents import read_upload
from app.extensions import db
from app.formfields import show_error
from app.i18n import show_date
from app.partners.models import PUBLIC_KINDS, Partner

bp = require_coordinator(Blueprint("agreements_admin", __name__, url_prefix="/admin/agreements"))

SORTS = ("ends_on", "decision_on", "starts_on", "partner", "title", "kind")


@bp.app_context_processor
def _agreement_helpers() -> dict:
    def agreement_chain(partner: Partner) -> list[Agreement]:
        return services.public_chain(partner)

    return {
        "AGREEMENT_KIND_LABELS": KIND_LABELS,
        "AGREEMENT_STATUS_LABELS": STATUS_LABELS,
        "AGREEMENT_STATUS_SYMBOLS": STATUS_SYMBOLS,
        "agreement_chain": agreement_chain,
        "home_today": services.home_today,
    }


def _partners(agreement: Agreement | None = None) -> list[Partner]:
    """Return the partners an agreement can be made with: not the municipality itself."""
    query = sa.select(Partner).where(Partner.kind.in_(PUBLIC_KINDS))
    if agreement is not None:  # an old agreement keeps its partner selectable
        query = sa.select(Partner).where(
            sa.or_(Partner.kind.in_(PUBLIC_KINDS), Partner.id == agreement.partner_id)
        )
    return list(db.session.scalars(query.order_by(sa.func.lower(Partner.name))))


def _read_upload(form: AgreementForm) -> tuple[str, bytes] | None:
    return read_upload(form.document.data, current_app.config["UPLOAD_MAX_BYTES"])


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge):
    """Show the form again with the size limit, rather than a bare error page."""
    agreement_id = (request.view_args or {}).get("agreement_id")
    agreement = db.session.get(Agreement, agreement_id) if agreement_id else None
    form = AgreementForm(formdata=None, obj=agreement, partners=_partners(agreement))
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    form.document.errors = [
        _(
            "The file is too large; at most %(max)s MB is accepted. Nothing was saved.",
            max=f"{limit / 1_048_576:.1f}",
        )
    ]
    return render_template("agreements/admin/form.html", form=form, agreement=agreement), 413


# --- list and detail -----------------------------------------------------------------


@bp.get("/")
def index():
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    sort = request.args.get("sort", "ends_on")
    sort = sort if sort in SORTS else "ends_on"
    descending = request.args.get("dir") == "desc"
    today = services.home_today()
    rows = services.all_agreements(
        q=q, status=status, sort=sort, descending=descending, today=today
    )
    return render_template(
        "agreements/admin/index.html",
        rows=rows,
        q=q,
        status=status,
        sort=sort,
        descending=descending,
        today=today,
        statuses=STATUSES,
    )


@bp.get("/<int:agreement_id>")
def detail(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    return render_template(
        "agreements/admin/detail.html",
        agreement=agreement,
        chain=services.chain(agreement),
        overlaps=services.overlapping(agreement),
        today=services.home_today(),
    )


# --- create, edit, delete ------------------------------------------------------------


def _warn_of_overlaps(agreement: Agreement) -> None:
    """Warn (not refuse) when the term overlaps another of the same partner and kind."""
    for other in services.overlapping(agreement):
        flash(
            _(
                "Check the dates: this term overlaps “%(title)s” (%(start)s – %(end)s) of "
                "the same partner.",
                title=other.title,
                start=show_date(other.starts_on),
                end=show_date(other.ends_on),
            ),
            "warning",
        )


def _form_values(form: AgreementForm) -> dict:
    return {
        "kind": form.kind.data,
        "title": form.title.data or "",
        "signed_on": form.signed_on.data,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "signatories": form.signatories.data or "",
        "decision_lead_days": form.decision_lead_days.data,
        "notes": form.notes.data or "",
    }


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = AgreementForm(partners=_partners())
    if request.method == "GET":
        form.partner_id.data = request.args.get("partner", None, type=int)
    if form.validate_on_submit():
        upload = _read_upload(form)
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        try:
            partner = services.chosen_partner(form.partner_id.data)
            if upload:
                documents.check_document(*upload, limit)
            agreement = services.create_agreement(partner, **_form_values(form))
            if upload:
                documents.attach_document(agreement, *upload, limit)
        except services.AgreementError as err:
            show_error(form, err)
        else:
            flash(_("The agreement was saved."), "success")
            _warn_of_overlaps(agreement)
            return redirect(url_for(".detail", agreement_id=agreement.id))
    status = 422 if request.method == "POST" else 200
    return render_template("agreements/admin/form.html", form=form, agreement=None), status


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
def edit(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    form = AgreementForm(obj=agreement, partners=_partners(agreement))
    if form.validate_on_submit():
        upload = _read_upload(form)
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        try:
            if upload:
                documents.check_document(*upload, limit)
            partner = services.chosen_partner(form.partner_id.data)
            services.update_agreement(agreement, partner=partner, **_form_values(form))
            if upload:
                documents.attach_document(agreement, *upload, limit)
        except services.AgreementError as err:
            show_error(form, err)
        else:
            flash(_("The agreement was saved."), "success")
            _warn_of_overlaps(agreement)
            return redirect(url_for(".detail", agreement_id=agreement.id))
    status = 422 if request.method == "POST" else 200
    return render_template("agreements/admin/form.html", form=form, agreement=agreement), status


@bp.route("/<int:agreement_id>/delete", methods=["GET", "POST"])
def delete(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    form = DeleteForm()
    if form.validate_on_submit():
        documents.remove_after_commit(services.delete_agreement(agreement))
        flash(_("The agreement was deleted."), "success")
        return redirect(url_for(".index"))
    return render_template(
        "admin/confirm_delete.html",
        form=form,
        heading=_("Delete the agreement?"),
        what=(
            f"{agreement.partner.name}: {agreement.title} "
            f"({show_date(agreement.starts_on)} – {show_date(agreement.ends_on)})"
        ),
        cancel_url=url_for(".detail", agreement_id=agreement.id),
    ), (422 if request.method == "POST" else 200)


# --- renew and end -------------------------------------------------------------------


@bp.route("/<int:agreement_id>/renew", methods=["GET", "POST"])
def renew(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    form = RenewForm()
    if request.method == "GET":
        form.signatories.data = agreement.signatories  # the date stays empty until signed
    if form.validate_on_submit():
        agreement = services.agreement_for_update(agreement_id)
        if agreement is None:
            abort(404)
        try:
            successor = services.renew(
                agreement,
                signed_on=form.signed_on.data,
                signatories=form.signatories.data or "",
            )
        except services.AgreementError as err:
            show_error(form, err)
        else:
            flash(
                _(
                    "Renewed: the new term runs from %(start)s to %(end)s.",
                    start=show_date(successor.starts_on),
                    end=show_date(successor.ends_on),
                ),
                "success",
            )
            _warn_of_overlaps(successor)
            return redirect(url_for(".detail", agreement_id=successor.id))
    return render_template(
        "agreements/admin/renew.html",
        form=form,
        agreement=agreement,
        next_start=agreement.ends_on + timedelta(days=1),
        next_end=term_end(agreement.ends_on + timedelta(days=1)),
    ), (422 if request.method == "POST" else 200)


@bp.route("/<int:agreement_id>/end", methods=["GET", "POST"])
def end(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    form = EndForm()
    if request.method == "GET":
        form.ended_on.data = services.home_today()
    if form.validate_on_submit():
        try:
            services.end_agreement(agreement, on=form.ended_on.data, reason=form.reason.data or "")
        except services.AgreementError as err:
            show_error(form, err)
        else:
            flash(_("The partnership's agreement was ended."), "success")
            return redirect(url_for(".detail", agreement_id=agreement.id))
    return render_template("agreements/admin/end.html", form=form, agreement=agreement), (
        422 if request.method == "POST" else 200
    )


# --- the signed document -------------------------------------------------------------


@bp.get("/<int:agreement_id>/document")
def document(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    path = documents.document_path(agreement)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=False,
        download_name=agreement.document_name or "agreement.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- export --------------------------------------------------------------------------

# The export's columns in the coordinator's language (the page's), codes as words.
CSV_COLUMNS = (
    _l("Number"),
    _l("Partner"),
    _l("Partner's address name"),
    _l("Kind of agreement"),
    _l("Title"),
    _l("Signed on"),
    _l("Starts on"),
    _l("Ends on"),
    _l("Decision by"),
    _l("Decision lead time (days)"),
    _l("Status"),
    _l("Renews number"),
    _l("Signatories"),
    _l("Ended on"),
    _l("Reason for ending"),
    _l("Notes"),
)


@bp.get("/export.csv")
def export_csv():
    today = services.home_today()
    rows = services.all_agreements(sort="partner", today=today)
    body = excel_csv(
        [str(c) for c in CSV_COLUMNS],
        (
            (
                a.id,
                a.partner.name,
                a.partner.slug,
                KIND_LABELS[a.kind],
                a.title,
                a.signed_on or "",
                a.starts_on,
                a.ends_on,
                a.decision_on,
                a.decision_lead_days,
                STATUS_LABELS[a.status(today)],
                a.renews_id or "",
                a.signatories,
                a.ended_on or "",
                a.end_reason,
                a.notes,
            )
            for a in rows
        ),
    )
    return Response(
        body,
        headers={
            "Content-Disposition": f'attachment; filename="agreements-{today.isoformat()}.csv"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


# --- timeline ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    """One term of the timeline, as its table lists it."""

    partner: str
    title: str
    starts_on: date
    ends_on: date
    status: str


def _timeline() -> tuple[Markup, list[TimelineRow]]:
    """Return the timeline picture and the terms it draws, partner by partner."""
    today = services.home_today()
    partners = services.partners_with_agreements()
    grouped = services.agreements_by_partner(partners)
    labels = {k: str(v) for k, v in STATUS_LABELS.items()}
    rows, table = [], []
    for partner in partners:
        terms = []
        for a in grouped.get(partner.id, []):
            status = a.status(today)
            terms.append(
                Term(
                    a.starts_on,
                    a.ends_on,
                    status,
                    f"{partner.name}: {a.title}, {show_date(a.starts_on)} – "
                    f"{show_date(a.ends_on)} ({labels[status]})",
                )
            )
            table.append(TimelineRow(partner.name, a.title, a.starts_on, a.ends_on, status))
        rows.append((partner.name, terms))
    svg = timeline_svg(
        rows,
        today,
        title=_("Agreement timeline"),
        description=_(
            "Every partner's agreement terms over the years, one row per partner; "
            "the pattern of each bar gives its status, and a line marks today, %(day)s.",
            day=show_date(today),
        ),
        today_label=_("Today %(day)s", day=show_date(today)),
        status_labels=labels,
    )
    return svg, table


@bp.get("/timeline")
def timeline():
    svg, terms = _timeline()
    return render_template("agreements/admin/timeline.html", svg=svg, terms=terms)


@bp.get("/timeline.svg")
def timeline_image():
    # On its own the picture takes its classes' colours from the app's stylesheet.
    style = charts.stylesheet_pi(url_for("static", filename="css/vanort.css"))
    return Response(style + str(_timeline()[0]), mimetype="image/svg+xml")
