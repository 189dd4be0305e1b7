"""Grants and their obligations in the coordinators' workspace under /admin/grants/."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_currency
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.auth.permissions import require_coordinator
from app.extensions import db
from app.formfields import show_error
from app.grants import services
from app.grants.forms import ButtonForm, GrantForm, ObligationForm
from app.grants.labels import KIND_LABELS
from app.grants.models import PROGRAMMES, Grant, GrantObligation
from app.partners.models import Partner, Project
from app.partners.services import home_today

bp = require_coordinator(Blueprint("grants_admin", __name__, url_prefix="/admin/grants"))


@bp.app_context_processor
def _grant_helpers() -> dict:
    def money(amount: object, currency: str) -> str:
        return format_currency(amount, currency)

    return {"GRANT_KIND_LABELS": KIND_LABELS, "grant_money": money}


def _grant_form(grant: Grant | None = None) -> GrantForm:
    partners = db.session.scalars(sa.select(Partner).order_by(sa.func.lower(Partner.name)))
    projects = db.session.scalars(
        sa.select(Project).options(joinedload(Project.partner)).order_by(Project.id)
    )
    return GrantForm(obj=grant, partners=list(partners), projects=list(projects))


def _grant_values(form: GrantForm) -> dict:
    return {
        "programme": form.programme.data,
        "title": form.title.data,
        "amount": form.amount.data,
        "currency": form.currency.data,
        "reference": form.reference.data or "",
        "notes": form.notes.data or "",
    }


def _render_grant_form(form: GrantForm, grant: Grant | None):
    status = 422 if request.method == "POST" else 200
    return render_template(
        "grants/admin/form.html", form=form, grant=grant, programmes=PROGRAMMES
    ), status


def _obligation(grant_id: int, obligation_id: int) -> GrantObligation:
    obligation = db.get_or_404(GrantObligation, obligation_id)
    if obligation.grant_id != grant_id:
        abort(404)
    return obligation


# --- grants --------------------------------------------------------------------------


@bp.get("/")
def index():
    return render_template(
        "grants/admin/index.html", grants=services.all_grants(), today=home_today()
    )


@bp.get("/<int:grant_id>")
def detail(grant_id: int):
    grant = db.get_or_404(Grant, grant_id)
    return render_template("grants/admin/detail.html", grant=grant, today=home_today())


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = _grant_form()
    if form.validate_on_submit():
        try:
            partner = services.chosen_partner(form.partner_id.data)
            project = services.chosen_project(form.project_id.data, partner)
            grant = services.create_grant(partner=partner, project=project, **_grant_values(form))
        except services.GrantError as err:
            show_error(form, err)
        else:
            flash(_("The grant was saved."), "success")
            return redirect(url_for(".detail", grant_id=grant.id))
    return _render_grant_form(form, None)


@bp.route("/<int:grant_id>/edit", methods=["GET", "POST"])
def edit(grant_id: int):
    grant = db.get_or_404(Grant, grant_id)
    form = _grant_form(grant)
    if form.validate_on_submit():
        grant = services.grant_for_update(grant_id) or grant
        try:
            partner = services.chosen_partner(form.partner_id.data)
            project = services.chosen_project(form.project_id.data, partner)
            services.update_grant(grant, partner=partner, project=project, **_grant_values(form))
        except services.GrantError as err:
            show_error(form, err)
        else:
            flash(_("The grant was saved."), "success")
            return redirect(url_for(".detail", grant_id=grant.id))
    return _render_grant_form(form, grant)


@bp.route("/<int:grant_id>/delete", methods=["GET", "POST"])
def delete(grant_id: int):
    grant = db.get_or_404(Grant, grant_id)
    form = ButtonForm()
    if form.validate_on_submit():
        services.delete_grant(grant)
        flash(_("The grant was deleted."), "success")
        return redirect(url_for(".index"))
    return render_template(
        "admin/confirm_delete.html",
        form=form,
        heading=_("Delete the grant?"),
        what=f"{grant.programme}: {grant.title}",
        cancel_url=url_for(".detail", grant_id=grant.id),
    ), (422 if request.method == "POST" else 200)


# --- obligations ---------------------------------------------------------------------


def _obligation_values(form: ObligationForm) -> dict:
    return {
        "kind": form.kind.data,
        "due_on": form.due_on.data,
        "done_on": form.done_on.data,
        "note": form.note.data or "",
    }


def _render_obligation_form(form: ObligationForm, grant: Grant, obligation=None):
    status = 422 if request.method == "POST" else 200
    return render_template(
        "grants/admin/obligation_form.html", form=form, grant=grant, obligation=obligation
    ), status


@bp.route("/<int:grant_id>/obligations/new", methods=["GET", "POST"])
def add_obligation(grant_id: int):
    grant = db.get_or_404(Grant, grant_id)
    form = ObligationForm()
    if form.validate_on_submit():
        try:
            services.add_obligation(grant, **_obligation_values(form))
        except services.GrantError as err:
            show_error(form, err)
        else:
            flash(_("The obligation was saved."), "success")
            return redirect(url_for(".detail", grant_id=grant.id))
    return _render_obligation_form(form, grant)


@bp.route("/<int:grant_id>/obligations/<int:obligation_id>/edit", methods=["GET", "POST"])
def edit_obligation(grant_id: int, obligation_id: int):
    obligation = _obligation(grant_id, obligation_id)
    form = ObligationForm(obj=obligation)
    if form.validate_on_submit():
        try:
            services.update_obligation(obligation, **_obligation_values(form))
        except services.GrantError as err:
            show_error(form, err)
        else:
            flash(_("The obligation was saved."), "success")
            return redirect(url_for(".detail", grant_id=grant_id))
    return _render_obligation_form(form, obligation.grant, obligation)


@bp.route("/<int:grant_id>/obligations/<int:obligation_id>/delete", methods=["GET", "POST"])
def delete_obligation(grant_id: int, obligation_id: int):
    obligation = _obligation(grant_id, obligation_id)
    form = ButtonForm()
    if form.validate_on_submit():
        services.delete_obligation(obligation)
        flash(_("The obligation was deleted."), "success")
        return redirect(url_for(".detail", grant_id=grant_id))
    return render_template(
        "admin/confirm_delete.html",
        form=form,
        heading=_("Delete the obligation?"),
        what=f"{obligation.grant.title}: {KIND_LABELS[obligation.kind]} {obligation.due_on}",
        cancel_url=url_for(".detail", grant_id=grant_id),
    ), (422 if request.method == "POST" else 200)


@bp.post("/<int:grant_id>/obligations/<int:obligation_id>/done")
def mark_done(grant_id: int, obligation_id: int):
    obligation = _obligation(grant_id, obligation_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.mark_done(obligation, home_today())
    flash(_("Marked as done."), "success")
    return redirect(url_for(".detail", grant_id=grant_id))


@bp.post("/<int:grant_id>/obligations/<int:obligation_id>/open")
def mark_open(grant_id: int, obligation_id: int):
    obligation = _obligation(grant_id, obligation_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.mark_done(obligation, None)
    flash(_("Marked as not done."), "success")
    return redirect(url_for(".detail", grant_id=grant_id))
