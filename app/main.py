"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_babel import lazy_gettext as _l

from app.partners.services import home_partner, home_timezone, public_partners
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
    """JSON for monitoring: 503 with the reasons when anything needs a person."""
    from flask_babel import force_locale

    from app import health as checks

    now = utcnow()
    state = checks.check(now)
    age = (now - state.beat_at).total_seconds() if state.beat_at else None
    with force_locale("en"):
        problems = [
            {"code": a.code, "message": a.message(a.since.isoformat() if a.since else "")}
            for a in state.alarms
        ]
    body = {
        "status": "error" if state.alarms else "ok",
        "database": "ok" if state.database_ok else "unreachable",
        "scheduler": {
            "last_heartbeat": state.beat_at.isoformat() if state.beat_at else None,
            "seconds_ago": round(age) if age is not None else None,
            "healthy": age is not None and age <= checks.HEARTBEAT_STALE.total_seconds(),
            "active": state.active,
        },
        "mail": {
            "queued": state.mail_queued,
            "failed": state.mail_failed,
            "failing_since": (
                state.mail_failing_since.isoformat() if state.mail_failing_since else None
            ),
        },
        "problems": problems,
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 503 if state.alarms else 200
