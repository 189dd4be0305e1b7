"""Read-only JSON API under /api/v1/."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.exchanges import queries as exchanges
from app.exchanges.display import title_in
from app.exchanges.links import exchange_url
from app.extensions import csrf
from app.i18n import current_language
from app.partners.services import public_partners
from app.timeutil import utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.get("/partners")
def partners():
    return jsonify(
        [
            {
                "slug": p.slug,
                "name": p.name,
                "country": p.country,
                "kind": p.kind,
                "since": p.since_year,
                "timezone": p.timezone,
            }
            for p in public_partners()
        ]
    )


@bp.get("/exchanges")
def exchanges_list():
    found = exchanges.listed_exchanges(utcnow())
    left = exchanges.places_left_for(found)
    lang = current_language()
    return jsonify(
        [
            {
                "id": e.id,
                "title": title_in(e, lang),
                "partner": e.partner.slug,
                "starts_on": e.starts_on.isoformat(),
                "ends_on": e.ends_on.isoformat(),
                "places": e.places,
                "places_left": left[e.id],
                "status": e.status,
                "direction": e.direction,
                "signup_opens_at": e.signup_opens_at.isoformat(),
                "signup_closes_at": e.signup_closes_at.isoformat(),
                "url": exchange_url(e),
            }
            for e in found
        ]
    )
