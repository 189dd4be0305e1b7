"""Pages list series' meetings from each process's index of occurrences, kept by the data
version: what another process commits (another gunicorn worker, the scheduler, a
command) shows on the very next page, and a session sees its own uncommitted change."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app import create_app
from app.extensions import db
from app.meetings.models import MeetingSeries, OccurrenceChange, SeriesHost
from app.meetings.occurrences import upcoming_occurrences
from app.meetings.recurrence import parse_key
from app.timeutil import utcnow
from tests.conftest import _current_database
from tests.meetings.factories import make_series, series_values

EVENTS = "/api/v1/events?from=2030-01-01&to=2031-12-31"


@pytest.fixture
def other_worker(app):
    """A second app on the same database with a memory of its own, as another worker."""
    other = create_app(_current_database[-1].config)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def shown(client, path: str = "/meetings/") -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    return re.findall(r'"?uid"?[=:]"([^"]+)"', response.get_data(as_text=True))


def key_of(uid: str) -> str:
    return re.search(r"-(\d{8}T\d{6}Z)@", uid).group(1)


def test_an_occurrence_another_worker_cancels_leaves_the_next_page(client, nordic, other_worker):
    series = make_series([nordic["aarhus"], nordic["turku"]])
    first = shown(client)[0]
    assert first in shown(client)  # the second page comes from this worker's index
    assert first in shown(client, "/") and first in shown(client, EVENTS)

    with other_worker.app_context():
        theirs = db.session.get(MeetingSeries, series.id)
        theirs.changes.append(
            OccurrenceChange(original_start=parse_key(key_of(first)), cancelled=True)
        )
        db.session.commit()

    assert first not in shown(client)
    assert first not in shown(client, "/")
    assert first not in shown(client, EVENTS)
    assert first not in shown(client, "/partners/aarhus")


def test_a_series_another_worker_adds_is_on_the_next_page(client, nordic, other_worker):
    make_series([nordic["aarhus"]])
    before = shown(client)
    with other_worker.app_context():
        added = MeetingSeries(
            **series_values(title_en="Youth council", first_date=date(2031, 3, 3))
        )
        added.hosts = [SeriesHost(position=0, partner_id=nordic["bergen"].id)]
        db.session.add(added)
        db.session.commit()
        added_id = added.id
    after = shown(client)
    assert len(after) > len(before)
    assert any(f"meeting-series-{added_id}-" in uid for uid in after)
    assert any(f"meeting-series-{added_id}-" in uid for uid in shown(client, "/partners/bergen"))


def test_a_session_sees_its_own_uncommitted_change(app, nordic):
    series = make_series([nordic["aarhus"], nordic["turku"]])
    first = upcoming_occurrences(utcnow())[0]
    series.changes.append(OccurrenceChange(original_start=first.recurrence_id, cancelled=True))
    db.session.flush()
    assert first.uid not in {o.uid for o in upcoming_occurrences(utcnow())}
    db.session.rollback()
    assert upcoming_occurrences(utcnow())[0].uid == first.uid
