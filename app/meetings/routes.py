"""Public meeting pages: the list of coming meetings and the page of each series or meeting."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.meetings import display
from app.meetings.models import Meeting, MeetingSeries, OccurrenceChange, SeriesHost
from app.meetings.occurrences import UpcomingOccurrence, listed_occurrences, upcoming_occurrences
from app.partners.services import home_partner, home_timezone
from app.timeutil import utcnow

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.app_context_processor
def _meeting_helpers() -> dict:
    return {
        "meeting_time": display,
        "meeting_statuses": _status_labels,
        "occurrence_url": occurrence_url,
    }


def occurrence_url(occurrence: UpcomingOccurrence) -> str:
    """Return the page of an occurrence, keeping the page's chosen language."""
    anchor = f"o{occurrence.key}" if occurrence.is_series else None
    return url_for("meetings.detail", public_id=occurrence.item.public_id, _anchor=anchor)


def _status_labels() -> dict:
    return {
        "confirmed": "",
        "moved": _("Moved"),
        "cancelled": _("Cancelled"),
        "skipped": _("Skipped"),
    }


def _item_by_public_id(public_id: str) -> MeetingSeries | Meeting:
    prefix, number = public_id[:1], public_id[1:]
    if prefix not in ("s", "m") or not (number.isascii() and number.isdigit()) or len(number) > 9:
        abort(404)
    if prefix == "s":
        item = db.session.scalar(
            sa.select(MeetingSeries)
            .where(MeetingSeries.id == int(number))
            .options(
                selectinload(MeetingSeries.hosts).joinedload(SeriesHost.partner),
                selectinload(MeetingSeries.changes).joinedload(OccurrenceChange.host),
            )
        )
    else:
        item = db.session.get(Meeting, int(number))
    if item is None or not item.published:
        abort(404)
    return item


@bp.get("/")
def index():
    home = home_partner()
    return render_template(
        "meetings/index.html",
        occurrences=upcoming_occurrences(utcnow(), limit=50),
        home=home,
        home_zone=home_timezone(home),
    )


@bp.get("/<public_id>")
def detail(public_id: str):
    item = _item_by_public_id(public_id)
    home = home_partner()
    context = {"item": item, "home": home, "home_zone": home_timezone(home)}
    if isinstance(item, MeetingSeries):
        now = utcnow()
        context["occurrences"] = listed_occurrences(item, now)
        context["now"] = now
        return render_template("meetings/series.html", series=item, **context)
    return render_template("meetings/meeting.html", meeting=item, **context)
