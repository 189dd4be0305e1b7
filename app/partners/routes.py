"""Public partner pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from markupsafe import Markup

from app.calendar import version
from app.exchanges import queries as exchanges
from app.meetings import occurrences as meetings
from app.partners.picture import page_of, partner_graph
from app.partners.services import (
    home_partner,
    home_timezone,
    linked_from,
    partner_by_slug,
    public_partners,
)
from app.timeutil import utcnow

bp = Blueprint("partners", __name__, url_prefix="/partners")

COMING_LISTED = 10  # how many coming meetings a partner page lists


@bp.get("/")
def index():
    listed = version.kept_html(
        "partners-list",
        None,
        lambda: render_template("partners/_list.html", partners=public_partners()),
        size=4,
    )
    return render_template("partners/index.html", listed=listed)


# A page of its own (not a section of the list): the picture repeats every partner's link,
# and the list stays short. No partner may take the slug "graph" (workspace.RESERVED_SLUGS).
@bp.get("/graph")
def graph():
    home = home_partner(with_links=True)
    picture, relations = partner_graph(home, public_partners())
    return render_template("partners/graph.html", graph=picture, relations=relations, home=home)


@bp.get("/<slug>")
def detail(slug: str):
    """A partner's page, rendered once per data version and minute: every word of it comes
    from rows the version counts, and its coming meetings and exchanges move with the clock
    (one leaves within a minute of its end)."""
    now = utcnow().replace(second=0, microsecond=0)

    def render() -> tuple[str, str]:
        partner = partner_by_slug(slug)
        if partner is None:
            abort(404)  # nothing kept: unknown addresses never push out partners' pages
        home = home_partner()
        return partner.name, render_template(
            "partners/_detail.html",
            partner=partner,
            linked_from=linked_from(partner),
            meetings=meetings.coming_for_partner(partner, now, limit=COMING_LISTED),
            exchanges=exchanges.coming_for_partner(partner.id, now),
            home=home,
            home_zone=home_timezone(home),
        )

    name, shown = version.kept("partner-pages", (version.reader_key(), slug, now), render, size=64)
    return render_template("partners/detail.html", name=name, shown=Markup(shown))  # noqa: S704


@bp.app_context_processor
def _partner_labels() -> dict:
    from app.partners.labels import KIND_LABELS, KIND_PLURALS, LINK_LABELS

    return {
        "KIND_LABELS": KIND_LABELS,
        "KIND_PLURALS": KIND_PLURALS,
        "LINK_LABELS": LINK_LABELS,
        "partner_page": page_of,
    }
