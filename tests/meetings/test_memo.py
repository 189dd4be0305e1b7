"""The per-process memo: an LRU whose missing value is built once however many ask."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from app.meetings.memo import Memo


def test_threads_asking_at_once_wait_for_one_build():
    memo = Memo(4)
    builds = []
    start = threading.Barrier(6)

    def build():
        builds.append(1)
        time.sleep(0.2)  # long enough for every other thread to ask meanwhile
        return "value"

    answers = []

    def ask():
        start.wait()
        answers.append(memo.get("key", build))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == ["value"] * 6
    assert len(builds) == 1


def test_a_failed_build_is_not_kept_and_the_waiting_threads_build_for_themselves():
    memo = Memo(4)
    first_started = threading.Event()
    calls = []

    def failing():
        calls.append("failing")
        first_started.set()
        time.sleep(0.1)
        raise RuntimeError("database gone")

    def working():
        calls.append("working")
        return 42

    waiter_answer = []
    waiter = threading.Thread(
        target=lambda: (first_started.wait(), waiter_answer.append(memo.get("k", working)))
    )
    waiter.start()
    with pytest.raises(RuntimeError):
        memo.get("k", failing)
    waiter.join()
    assert waiter_answer == [42]
    assert memo.get("k", failing) == 42  # the waiter's value is kept
    assert calls == ["failing", "working"]


def test_the_least_recently_used_value_goes_first():
    memo = Memo(2)
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    memo.get("a", lambda: 0)  # used: "b" is now the oldest
    memo.get("c", lambda: 3)
    assert memo.get("a", lambda: "rebuilt") == 1
    assert memo.get("b", lambda: "rebuilt") == "rebuilt"


def test_find_answers_only_what_is_kept_and_marks_it_used():
    memo = Memo(2)
    assert memo.find("a") is None
    assert memo.find("a", "none") == "none"
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    assert memo.find("a") == 1  # used: "b" is now the oldest
    memo.get("c", lambda: 3)
    assert memo.find("b") is None
    assert memo.find("a") == 1


def test_rows_read_as_columns_are_the_keys_objects_give(app):
    """A feed looks its events up by rows read as plain columns and keeps what it builds
    under the rows of objects: the two must be the same keys, or nothing is ever found."""
    from datetime import date

    from app.extensions import db
    from app.meetings import services
    from app.meetings.calendar import partner_rows
    from app.meetings.memo import read_rows, row, select_rows, series_key, series_keys
    from app.meetings.models import Meeting, MeetingSeries
    from app.meetings.occurrences import series_occurrences, series_query
    from app.partners.models import Partner
    from tests.meetings.factories import make_meeting, make_nordic_partners, make_series

    nordic = make_nordic_partners()
    aarhus = nordic["aarhus"].id
    series = make_series([nordic["aarhus"], nordic["turku"]], first_date=date(2030, 6, 10))
    services.cancel_occurrence(series, series_occurrences(series)[1].key, reason="Storm")
    make_series([nordic["bergen"]], in_host_timezone=False, venue="Online")
    make_meeting(nordic["aarhus"])
    db.session.commit()
    db.session.expunge_all()

    partners = partner_rows()
    rows = read_rows(db.session, MeetingSeries, select_rows(MeetingSeries))
    keys = series_keys(db.session, rows, partners)
    loaded = db.session.scalars(series_query(include_unpublished=True)).all()
    assert len(loaded) == 2
    for s in loaded:
        assert keys[s.id] == (series_key(s), tuple(p.id for p in s.rotation))
    meetings = read_rows(db.session, Meeting, select_rows(Meeting))
    assert meetings == [row(m) for m in db.session.scalars(sa.select(Meeting))]
    assert partners[aarhus] == row(db.session.get(Partner, aarhus))


def test_a_new_day_starts_every_memo_afresh(app, monkeypatch):
    """What a memo keeps is measured from the day; earlier days' values are let go at once
    instead of holding a worker's memory until the LRU reaches them."""
    from datetime import UTC, datetime, timedelta

    from app import timeutil
    from app.meetings.memo import memo

    today = datetime(2030, 3, 12, 23, 59, tzinfo=UTC)
    monkeypatch.setattr(timeutil, "utcnow", lambda: today)
    with app.app_context():
        memo("test").get("k", lambda: "kept today")
        assert memo("test").get("k", lambda: "built again") == "kept today"
        monkeypatch.setattr(timeutil, "utcnow", lambda: today + timedelta(minutes=2))
        assert memo("test").get("k", lambda: "built again") == "built again"
        assert len(memo("test").entries) == 1
