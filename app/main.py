"""The home page and the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, render_template
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.partners.services import home_partner, home_timezone, public_partners
from app.reminders.models import SchedulerHeartbeat
from app.scheduler import HEARTBEAT_NAME
from app.timeutil import utcnow

bp = Blueprint("main", __name__)

HOME_PAGE_ITEMS = 5

# The public areas in the order the menu shows them; an area appears once it exists.
NAV = (
    ("main.index", _l("Home")),
    ("partners.index", _l("Partners")),
    ("meetings.index", _l("Meetings")),
    ("exchanges.index", _l("Exchanges")),
    ("calendar.index", _l("Calendar")),
)


@bp.app_context_processor
def _navigation() -> dict:
    def nav_items() -> list[tuple[str, str]]:
        return [(e, label) for e, label in NAV if e in current_app.view_functions]

    return {"nav_items": nav_items}


@bp.get("/")
def index():
    from app.exchanges import queries as exchanges
    from app.meetings import occurrences as meetings

    now = utcnow()
    home = home_partner()
    open_exchanges = exchanges.open_exchanges(now)[:HOME_PAGE_ITEMS]
    return render_template(
        "main/index.html",
        partners=public_partners(),
        occurrences=meetings.upcoming_occurrences(now, limit=HOME_PAGE_ITEMS),
        home=home,
        home_zone=home_timezone(home),
        exchanges=open_exchanges,
        places_left=exchanges.places_left_for(open_exchanges),
    )


@bp.get("/healthz")
def healthz():
    database_ok = True
    beat_at = None
    try:
        db.session.execute(sa.text("SELECT 1"))
        row = db.session.get(SchedulerHeartbeat, HEARTBEAT_NAME)
        beat_at = row.beat_at if row else None
    except Exception:  # the point of a health check is to say so, not to fail
        database_ok = False
    age = (utcnow() - beat_at).total_seconds() if beat_at else None
    body = {
        "status": "ok" if database_ok else "error",
        "database": "ok" if database_ok else "unreachable",
        "scheduler": {
            "last_heartbeat": beat_at.isoformat() if beat_at else None,
            "seconds_ago": round(age) if age is not None else None,
            "healthy": age is not None and age < 120,
        },
    }
    return jsonify(body), 200 if database_ok else 503
