"""Grant obligations as all-day calendar events for the coordinators' private feed."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.feeds.ical import CalEvent
from app.grants.labels import DUE_TITLES
from app.grants.models import Grant, GrantObligation
from app.installation import calendar_uid
from app.meetings.links import absolute_url
from app.partners.models import Partner, Project


def obligation_events(
    since: date, until: date | None = None, *, partner: Partner | None = None
) -> list[CalEvent]:
    """Return every obligation due on or after `since`, done or not, as an all-day event.

    `until` (inclusive) and `partner` (the grant's partner, or its project's) narrow it
    for the calendar pages.

    Its SEQUENCE is the obligation's plus its grant's: each rises when what the event
    shows changes (the day, done or not, the grant's title), so the sum only grows.
    """
    query = (
        sa.select(GrantObligation)
        .options(selectinload(GrantObligation.grant))
        .where(GrantObligation.due_on >= since)
        .order_by(GrantObligation.due_on, GrantObligation.id)
    )
    if until is not None:
        query = query.where(GrantObligation.due_on <= until)
    if partner is not None:
        projects = sa.select(Project.id).where(Project.partner_id == partner.id)
        query = query.join(GrantObligation.grant).where(
            sa.or_(Grant.partner_id == partner.id, Grant.project_id.in_(projects))
        )
    return [obligation_event(obligation) for obligation in db.session.scalars(query)]


def obligation_event(obligation: GrantObligation) -> CalEvent:
    """Return one obligation as an all-day event, as the feed shows it (see obligation_events)."""
    grant = obligation.grant
    title = str(DUE_TITLES[obligation.kind]) % {"title": grant.title}
    if obligation.done_on is not None:
        title = _("Done: %(title)s", title=title)
        description = _("Done on %(day)s.", day=obligation.done_on.isoformat())
    else:
        description = _("Not done yet.")
    description = f"{grant.programme}\n{description}"
    if obligation.note:
        description += f"\n{obligation.note}"
    return CalEvent(
        uid=calendar_uid("grant-obligation", obligation.id),
        title=title,
        start=obligation.due_on,
        end=obligation.due_on + timedelta(days=1),
        description=description,
        url=absolute_url(f"/admin/grants/{grant.id}"),
        status="CONFIRMED",
        categories=("grant",),
        sequence=obligation.sequence + grant.sequence,
        last_modified=grant.updated_at,
        created=grant.created_at,
    )
