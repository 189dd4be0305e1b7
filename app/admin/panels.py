"""The dashboard's panels for meetings and exchanges, and their activity for the health view.

Registered through the extension points in app.admin.dashboard, so the dashboard itself
does not depend on those areas.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from app.admin.dashboard import INACTIVE_AFTER_YEARS, register_activity_source, register_panel
from app.exchanges import models as exchange_models
from app.exchanges import queries as exchanges
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Meeting
from app.meetings.recurrence import CANCELLED, SKIPPED
from app.timeutil import utcnow

UPCOMING_MEETINGS = 8


def upcoming_meetings(today: date) -> dict:
    """Return the next meetings, published or not (coordinators see both)."""
    return {
        "occurrences": meetings.upcoming_occurrences(
            utcnow(), limit=UPCOMING_MEETINGS, include_unpublished=True
        )
    }


def open_exchanges(today: date) -> dict:
    """Return the exchanges open for sign-up, with their places left."""
    found = exchanges.open_exchanges(utcnow())
    return {"exchanges": found, "places_left": exchanges.places_left_for(found)}


def meeting_activity(today: date) -> dict[int, date]:
    """Return each partner's latest meeting up to today (one-off meetings and series hosts)."""
    now = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    latest: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(Meeting.partner_id, sa.func.max(Meeting.starts_at))
        .where(Meeting.starts_at < now)
        .group_by(Meeting.partner_id)
    ).all()
    for partner_id, starts_at in rows:
        latest[partner_id] = starts_at.date()
    # A series' hosts only matter inside the inactivity window: expand just that far back.
    window_start = now - relativedelta(years=INACTIVE_AFTER_YEARS, days=1)
    for occ in meetings.occurrences_between(window_start, now, include_unpublished=True):
        if occ.host is None or occ.status in (CANCELLED, SKIPPED):
            continue
        day = occ.start.date()
        if occ.host.id not in latest or day > latest[occ.host.id]:
            latest[occ.host.id] = day
    return latest


def exchange_activity(today: date) -> dict[int, date]:
    """Return each partner's latest exchange that has started by today."""
    rows = db.session.execute(
        sa.select(
            exchange_models.Exchange.partner_id, sa.func.max(exchange_models.Exchange.starts_on)
        )
        .where(
            exchange_models.Exchange.starts_on <= today,
            exchange_models.Exchange.status.not_in(
                (exchange_models.DRAFT, exchange_models.CANCELLED)
            ),
        )
        .group_by(exchange_models.Exchange.partner_id)
    ).all()
    return {partner_id: day for partner_id, day in rows if day is not None}


register_panel("upcoming_meetings", "admin/_panel_meetings.html", upcoming_meetings, order=10)
register_panel("open_exchanges", "admin/_panel_exchanges.html", open_exchanges, order=20)
register_activity_source("meetings", meeting_activity, _l("meeting"))
register_activity_source("exchanges", exchange_activity, _l("exchange"))
