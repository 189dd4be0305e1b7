"""Partners, networks, projects and contacts in the coordinators' workspace under /admin/."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.agreements import services as agreements
from app.agreements.forms import EndForm
from app.auth.permissions import require_coordinator
from app.csvutil import excel_csv
from app.extensions import db
from app.formfields import show_error
from app.partners import workspace
from app.partners.forms import ConfirmForm, ContactForm, PartnerForm, ProjectForm
from app.partners.labels import KIND_LABELS
from app.partners.models import KINDS, NETWORK, Contact, Partner, Project
from app.timeutil import timezone_choices

bp = require_coordinator(Blueprint("partners_admin", __name__, url_prefix="/admin"))


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _sorting(allowed: tuple[str, ...], default: str) -> tuple[str, bool]:
    sort = request.args.get("sort", default)
    return (sort if sort in allowed else default), request.args.get("dir") == "desc"


# --- partners and networks -----------------------------------------------------------


@bp.get("/partners/")
def partners():
    return _partner_list(request.args.get("kind", ""))


@bp.get("/networks/")
def networks():
    return _partner_list(NETWORK)


def _partner_list(kind: str):
    kind = kind if kind in KINDS else ""
    q = request.args.get("q", "").strip()[:100]
    sort, descending = _sorting(tuple(workspace.PARTNER_SORTS), "name")
    rows = workspace.search_partners(q=q, kind=kind, sort=sort, descending=descending)
    return render_template(
        "partners/admin/partners.html",
        rows=rows,
        q=q,
        kind=kind,
        sort=sort,
        descending=descending,
        kinds=KINDS,
        endpoint=request.endpoint,
    )


@bp.get("/partners/<int:partner_id>")
def partner(partner_id: int):
    found = db.get_or_404(Partner, partner_id)
    return render_template(
        "partners/admin/partner.html",
        partner=found,
        agreements=agreements.agreements_of(found),
        today=agreements.home_today(),
    )


@bp.route("/partners/new", methods=["GET", "POST"])
def partner_create():
    form = PartnerForm()
    if request.method == "GET":
        form.kind.data = request.args.get("kind", "partner_city")
    if form.validate_on_submit():
        try:
            created = workspace.create_partner(**form.values())
        except workspace.WorkspaceError as err:
            show_error(form, err)
        else:
            flash(_("%(name)s was added.", name=created.name), "success")
            return redirect(url_for(".partner", partner_id=created.id))
    return render_template(
        "partners/admin/partner_form.html", form=form, partner=None, zones=timezone_choices()
    ), _status()


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
def partner_edit(partner_id: int):
    found = db.get_or_404(Partner, partner_id)
    form = PartnerForm(obj=found)
    if form.validate_on_submit():
        try:
            workspace.update_partner(found, **form.values())
        except workspace.WorkspaceError as err:
            show_error(form, err)
        else:
            flash(_("The changes to %(name)s were saved.", name=found.name), "success")
            return redirect(url_for(".partner", partner_id=found.id))
    return render_template(
        "partners/admin/partner_form.html", form=form, partner=found, zones=timezone_choices()
    ), _status()


@bp.route("/partners/<int:partner_id>/delete", methods=["GET", "POST"])
def partner_delete(partner_id: int):
    found = db.get_or_404(Partner, partner_id)
    form = ConfirmForm()
    refusal = None
    count = agreements.partner_agreement_count(found)
    if count:
        refusal = ngettext(
            "%(name)s still has %(num)d agreement. Delete or move it before deleting the partner.",
            "%(name)s still has %(num)d agreements. Delete or move them before deleting the partner.",
            count,
            name=found.name,
        )
    if form.validate_on_submit() and refusal is None:
        name = found.name
        try:
            workspace.delete_partner(found)
        except workspace.WorkspaceError as err:
            refusal = err.message
        else:
            flash(_("%(name)s was deleted.", name=name), "success")
            return redirect(url_for(".partners"))
    return render_template(
        "admin/confirm_delete.html",
        form=form,
        heading=_("Delete %(name)s?", name=found.name),
        what=_("The partner, its projects, contacts and links are deleted."),
        refusal=refusal,
        cancel_url=url_for(".partner", partner_id=found.id),
    ), (422 if request.method == "POST" else 200)


@bp.route("/partners/<int:partner_id>/end", methods=["GET", "POST"])
def partner_end(partner_id: int):
    """End a partnership: every current agreement ends on one day, with one reason."""
    found = db.get_or_404(Partner, partner_id)
    form = EndForm()
    if request.method == "GET":
        form.ended_on.data = agreements.home_today()
    if form.validate_on_submit():
        try:
            ended = agreements.end_partnership(
                found, on=form.ended_on.data, reason=form.reason.data or ""
            )
        except agreements.AgreementError as err:
            show_error(form, err)
        else:
            flash(
                ngettext(
                    "The partnership with %(name)s was ended (%(num)d agreement).",
                    "The partnership with %(name)s was ended (%(num)d agreements).",
                    len(ended),
                    name=found.name,
                ),
                "success",
            )
            return redirect(url_for(".partner", partner_id=found.id))
    return render_template(
        "partners/admin/end_partnership.html", form=form, partner=found
    ), _status()


# --- projects ------------------------------------------------------------------------


@bp.get("/projects/")
def projects():
    q = request.args.get("q", "").strip()[:100]
    sort, descending = _sorting(tuple(workspace.PROJECT_SORTS), "title")
    rows = workspace.search_projects(q=q, sort=sort, descending=descending)
    return render_template(
        "partners/admin/projects.html", rows=rows, q=q, sort=sort, descending=descending
    )


@bp.route("/partners/<int:partner_id>/projects/new", methods=["GET", "POST"])
def project_create(partner_id: int):
    owner = db.get_or_404(Partner, partner_id)
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            workspace.create_project(owner, **form.values())
        except workspace.WorkspaceError as err:
            show_error(form, err)
        else:
            flash(_("The project was added."), "success")
            return redirect(url_for(".partner", partner_id=owner.id))
    return render_template(
        "partners/admin/item_form.html", form=form, partner=owner, heading=_("New project")
    ), _status()


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
def project_edit(project_id: int):
    project = db.get_or_404(Project, project_id)
    form = ProjectForm(obj=project)
    if form.validate_on_submit():
        try:
            workspace.update_project(project, **form.values())
        except workspace.WorkspaceError as err:
            show_error(form, err)
        else:
            flash(_("The project was saved."), "success")
            return redirect(url_for(".partner", partner_id=project.partner_id))
    return render_template(
        "partners/admin/item_form.html",
        form=form,
        partner=project.partner,
        heading=_("Edit project"),
    ), _status()


@bp.route("/projects/<int:project_id>/delete", methods=["GET", "POST"])
def project_delete(project_id: int):
    project = db.get_or_404(Project, project_id)
    return _confirm_delete(
        project,
        workspace.delete_project,
        _("Delete the project?"),
        project.title_en,
        _("The project was deleted."),
    )


# --- contacts ------------------------------------------------------------------------


@bp.get("/contacts/")
def contacts():
    q = request.args.get("q", "").strip()[:100]
    sort, descending = _sorting(tuple(workspace.CONTACT_SORTS), "partner")
    rows = workspace.search_contacts(q=q, sort=sort, descending=descending)
    return render_template(
        "partners/admin/contacts.html", rows=rows, q=q, sort=sort, descending=descending
    )


@bp.route("/partners/<int:partner_id>/contacts/new", methods=["GET", "POST"])
def contact_create(partner_id: int):
    owner = db.get_or_404(Partner, partner_id)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            workspace.create_contact(owner, **form.values())
        except workspace.WorkspaceError as err:
            show_error(form, err)
        else:
            flash(_("The contact was added."), "success")
            return redirect(url_for(".partner", partner_id=owner.id))
    return render_template(
        "partners/admin/item_form.html", form=form, partner=owner, heading=_("New contact")
    ), _status()


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def contact_edit(contact_id: int):
    contact = db.get_or_404(Contact, contact_id)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        try:
            workspace.update_contact(contact, **form.values())
        except workspace.WorkspaceError as err:
            show_error(form, err)
        else:
            flash(_("The contact was saved."), "success")
            return redirect(url_for(".partner", partner_id=contact.partner_id))
    return render_template(
        "partners/admin/item_form.html",
        form=form,
        partner=contact.partner,
        heading=_("Edit contact"),
    ), _status()


@bp.route("/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
def contact_delete(contact_id: int):
    contact = db.get_or_404(Contact, contact_id)
    return _confirm_delete(
        contact,
        workspace.delete_contact,
        _("Delete the contact?"),
        contact.role_en,
        _("The contact was deleted."),
    )


def _confirm_delete(obj, delete, heading: str, what: str, done: str):
    form = ConfirmForm()
    partner_id = obj.partner_id
    if form.validate_on_submit():
        delete(obj)
        flash(done, "success")
        return redirect(url_for(".partner", partner_id=partner_id))
    if request.method == "POST":
        abort(400)
    return render_template(
        "admin/confirm_delete.html",
        form=form,
        heading=heading,
        what=what,
        refusal=None,
        cancel_url=url_for(".partner", partner_id=partner_id),
    )


# --- export --------------------------------------------------------------------------

# The export's columns in the coordinator's language (the page's), kinds as words.
PARTNER_CSV_COLUMNS = (
    _l("Number"),
    _l("Address name"),
    _l("Name"),
    _l("Other names"),
    _l("Kind"),
    _l("Country code"),
    _l("Region (Swedish)"),
    _l("Region (English)"),
    _l("Time zone"),
    _l("Partner since (year)"),
    _l("The year is approximate"),
    _l("Funding"),
    _l("Number of members (networks)"),
    _l("Number of member countries (networks)"),
    _l("Agreements"),
)


@bp.get("/partners.csv")
def partners_csv():
    counts = agreements.agreement_counts()
    rows = workspace.search_partners()
    body = excel_csv(
        [str(c) for c in PARTNER_CSV_COLUMNS],
        (
            (
                p.id,
                p.slug,
                p.name,
                p.other_names,
                KIND_LABELS[p.kind],
                p.country or "",
                p.region_sv,
                p.region_en,
                p.timezone or "",
                p.since_year or "",
                _("Yes") if p.since_approximate else "",
                p.funding,
                "" if p.member_count is None else p.member_count,
                "" if p.member_countries is None else p.member_countries,
                counts.get(p.id, 0),
            )
            for p in rows
        ),
    )
    stamp = agreements.home_today().isoformat()
    return Response(
        body,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="partners-{stamp}.csv"',
        },
    )
