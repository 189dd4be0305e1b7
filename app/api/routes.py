"""Read-only JSON API under /api/v1/."""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.extensions import csrf
from app.partners.services import public_partners

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
