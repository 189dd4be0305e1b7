"""The home page, the accessibility statement, the privacy notice and the health check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, current_app, jsonify, render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.partners.services import partner_summaries
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


# The accessibility statement: when the site was last assessed and the statement updated.
# Update both with the release that changes what the statement says.
ACCESSIBILITY_ASSESSED_ON = date(2026, 11, 30)
ACCESSIBILITY_UPDATED_ON = date(2026, 11, 30)

DEFAULT_ORG_NAME_EN = "International Office"


@dataclass(frozen=True)
class Organisation:
    """The organisation behind the site, as the page's language names it."""

    name: str
    name_lang: str | None  # set when the name is not in the page's language
    logo_url: str | None
    contact_email: str
    phone: str | None
    dpo_email: str


def organisation() -> Organisation:
    """Return the configured organisation for the page's language."""
    from app.config import Defaults

    config = current_app.config
    name = config.get("ORG_NAME") or Defaults.ORG_NAME
    name_lang = None
    if str(get_locale() or "") == "en":
        english = config.get("ORG_NAME_EN") or (
            DEFAULT_ORG_NAME_EN if name == Defaults.ORG_NAME else None
        )
        name, name_lang = (english, None) if english else (name, "sv")
    return Organisation(
        name=name,
        name_lang=name_lang,
        logo_url=config.get("ORG_LOGO_URL") or None,
        contact_email=config.get("ORG_CONTACT_EMAIL") or Defaults.ORG_CONTACT_EMAIL,
        phone=config.get("ORG_PHONE") or None,
        dpo_email=config.get("ORG_DPO_EMAIL") or Defaults.ORG_DPO_EMAIL,
    )


@bp.app_context_processor
def _organisation() -> dict:
    return {"organisation": organisation}


@bp.get("/accessibility")
def accessibility():
    return render_template(
        "main/accessibility.html",
        org=organisation(),
        assessed_on=ACCESSIBILITY_ASSESSED_ON,
        updated_on=ACCESSIBILITY_UPDATED_ON,
    )


@bp.get("/privacy")
def privacy():
    from app.records.rules import rules_in_force

    # The rules in force, from the configuration the disposal job reads too.
    return render_template("main/privacy.html", org=organisation(), retention=rules_in_force())


@bp.get("/")
def index():
    from app.calendar import version
    from app.exchanges import queries as exchanges
    from app.meetings.routes import coming_meetings

    open_exchanges = exchanges.open_exchanges(utcnow(), limit=HOME_PAGE_ITEMS)
    return render_template(
        "main/index.html",
        coming=coming_meetings("main/_coming.html", HOME_PAGE_ITEMS),
        partner_cards=version.kept_html(
            "home-partners",
            None,
            lambda: render_template("main/_partners.html", partners=partner_summaries()),
            size=4,
        ),
        exchanges=open_exchanges,  # places left move with every sign-up: never kept
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
