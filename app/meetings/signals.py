"""What meetings do when a partner's place changes (the `place_changed` signal).

Connected when this module is imported, which `create_app` does by name.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.meetings.models import Meeting, MeetingSeries, SeriesHost
from app.partners.models import Partner
from app.partners.signals import place_changed


@place_changed.connect
def _partner_moved(partner: Partner, *, name_changed: bool, **_: object) -> None:
    """Raise the SEQUENCE of every series and meeting whose time or place just moved.

    A series held in its hosts' zones moves when a host's zone changes, and its meetings
    are named after the host when there is no venue; a one-off meeting without a venue
    carries its partner's name as its place.
    """
    for series in db.session.scalars(
        sa.select(MeetingSeries).join(SeriesHost).where(SeriesHost.partner_id == partner.id)
    ).unique():
        if series.in_host_timezone or (name_changed and not series.venue):
            series.sequence += 1
    if name_changed:
        for meeting in db.session.scalars(
            sa.select(Meeting).where(Meeting.partner_id == partner.id, Meeting.venue == "")
        ):
            meeting.sequence += 1
    db.session.flush()
