"""A series' standing delegation: kept on the series, copied to its coming meetings."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.meetings import services
from app.meetings.models import Delegate, StandingDelegate
from app.meetings.occurrences import series_occurrences
from app.timeutil import utcnow
from tests.meetings.factories import make_series


def _series(nordic):
    return make_series([nordic["goteborg"], nordic["turku"], nordic["aarhus"], nordic["bergen"]])


def _add_member(client, series, name, email, language="sv"):
    return client.post(
        f"/admin/meetings/series/{series.id}/delegation?lang=en",
        data={"name": name, "email": email, "language": language, "role": "Councillor"},
    )


def _delegates(series, occ) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Delegate.email).where(
                Delegate.series_id == series.id,
                Delegate.original_start == occ.occurrence.original_start,
            )
        )
    )


def test_members_are_kept_on_the_series_and_duplicates_refused(logged_in, nordic):
    series = _series(nordic)
    assert _add_member(logged_in, series, "Committee chair", "chair@example.org").status_code == 302
    again = _add_member(logged_in, series, "Chair again", "CHAIR@example.org")
    assert again.status_code == 422
    page = logged_in.get(f"/admin/meetings/series/{series.id}/delegation?lang=en").text
    assert "Committee chair" in page and "Chair again" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StandingDelegate)) == 1


def test_the_delegation_is_copied_to_every_coming_meeting_but_called_off_ones(logged_in, nordic):
    series = _series(nordic)
    _add_member(logged_in, series, "Committee chair", "chair@example.org")
    _add_member(logged_in, series, "Committee secretary", "secretary@example.org", "en")
    now = utcnow()
    coming = [o for o in series_occurrences(series) if o.start > now]
    services.cancel_occurrence(series, coming[1].key, reason="Budget")
    db.session.commit()
    # One meeting already has the chair: only the secretary is added there.
    logged_in.post(
        f"/admin/meetings/series/{series.id}/occurrences/{coming[0].key}/delegates",
        data={"name": "Chair", "email": "chair@example.org", "language": "sv"},
    )
    answer = logged_in.post(
        f"/admin/meetings/series/{series.id}/delegation/copy?lang=en", follow_redirects=True
    )
    assert "coming meetings" in answer.text
    assert _delegates(series, coming[0]) == {"chair@example.org", "secretary@example.org"}
    assert _delegates(series, coming[1]) == set()  # called off
    for occ in coming[2:]:
        assert _delegates(series, occ) == {"chair@example.org", "secretary@example.org"}
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Delegate))
    logged_in.post(f"/admin/meetings/series/{series.id}/delegation/copy")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delegate)) == count
