"""Public partner pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.partners.services import linked_from, partner_by_slug, public_partners

bp = Blueprint("partners", __name__, url_prefix="/partners")


@bp.get("/")
def index():
    return render_template("partners/index.html", partners=public_partners())


@bp.get("/<slug>")
def detail(slug: str):
    partner = partner_by_slug(slug)
    if partner is None:
        abort(404)
    return render_template(
        "partners/detail.html", partner=partner, linked_from=linked_from(partner)
    )


@bp.app_context_processor
def _partner_labels() -> dict:
    from app.partners.labels import KIND_LABELS, KIND_PLURALS, LINK_LABELS

    return {"KIND_LABELS": KIND_LABELS, "KIND_PLURALS": KIND_PLURALS, "LINK_LABELS": LINK_LABELS}
