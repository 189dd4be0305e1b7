"""The pure decision of which reminders are due: sent once, on time; stale ones missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.reminders.sweep import (
    AT_EVENT_GRACE,
    LOOKBACK,
    MISS,
    SEND,
    Candidate,
    Recipient,
    Rule,
    due,
    reminder_key,
    upcoming,
)

DAY = 24 * 60
EVENT = datetime(2027, 6, 10, 8, 0, tzinfo=UTC)
MEETING = {"meeting": Rule("meeting", (60 * DAY, 14 * DAY, 2 * DAY))}


def candidate(event_at=EVENT, *, recipients=("delegate@example.org",), original=None, **kw):
    return Candidate(
        rule=kw.pop("rule", "meeting"),
        object_key=kw.pop("object_key", "series:1"),
        event_at=event_at,
        deadline=kw.pop("deadline", event_at),
        recipients=tuple(r if isinstance(r, Recipient) else Recipient(r, "sv") for r in recipients),
        title="Nordic twin town meeting",
        original_start=original or event_at,
    )


def days_before(n: float) -> datetime:
    return EVENT - timedelta(days=n)


def test_nothing_is_due_before_the_first_offset():
    assert due([candidate()], MEETING, days_before(61)) == []


def test_an_offset_is_due_from_its_moment_on_and_sent():
    [found] = due([candidate()], MEETING, days_before(60))
    assert (found.action, found.offset_label, found.due_at) == (SEND, "60d", days_before(60))


def test_after_a_week_stop_only_the_latest_reminder_is_sent_and_earlier_ones_missed():
    # The scheduler was down from 20 days before to 10 days before: the 14-day reminder
    # is still useful, nothing older is.
    found = due([candidate()], MEETING, days_before(10), recorded={"irrelevant"})
    assert [(d.offset_label, d.action) for d in found] == [("14d", SEND)]


def test_a_reminder_whose_later_offset_is_already_due_is_missed_not_sent():
    found = due([candidate()], MEETING, days_before(1))
    assert [(d.offset_label, d.action, d.reason) for d in found] == [
        ("14d", MISS, "superseded:2d"),
        ("2d", SEND, ""),
    ]


def test_reminders_of_an_event_that_has_passed_are_missed():
    found = due([candidate()], MEETING, EVENT + timedelta(hours=3))
    assert {(d.offset_label, d.action, d.reason) for d in found} == {
        ("14d", MISS, "passed"),
        ("2d", MISS, "passed"),
    }


def test_reminders_due_longer_ago_than_the_lookback_are_ignored():
    # A fresh install a year after: no flood of ancient misses.
    assert due([candidate()], MEETING, EVENT + LOOKBACK + timedelta(days=1)) == []


def test_an_offset_of_zero_is_sent_at_the_event_and_missed_after_its_grace():
    rules = {"meeting": Rule("meeting", (0,))}
    assert due([candidate()], rules, EVENT)[0].action == SEND
    late = due([candidate()], rules, EVENT + AT_EVENT_GRACE)
    assert [(d.action, d.reason) for d in late] == [(MISS, "passed")]


def test_a_day_reminder_on_the_day_is_useful_until_the_day_is_over():
    rules = {"grant-obligation": Rule("grant-obligation", (0,))}
    c = candidate(rule="grant-obligation", deadline=EVENT + timedelta(hours=16))
    assert due([c], rules, EVENT + timedelta(hours=5))[0].action == SEND


def test_recorded_reminders_are_not_due_again():
    first = due([candidate()], MEETING, days_before(14))
    assert [d.offset_label for d in first] == ["14d"]
    again = due([candidate()], MEETING, days_before(13), recorded={d.key for d in first})
    assert again == []


def test_a_moved_occurrence_keeps_its_key_so_an_offset_is_not_repeated_for_the_new_time():
    original = EVENT
    sent = due([candidate(original=original)], MEETING, days_before(60))
    moved = candidate(EVENT + timedelta(days=20), original=original)
    # 60 days before the new time: the 60-day reminder went out for the old time.
    assert (
        due([moved], MEETING, EVENT + timedelta(days=20 - 60), recorded={d.key for d in sent}) == []
    )
    [fourteen] = due(
        [moved], MEETING, EVENT + timedelta(days=20 - 14), recorded={d.key for d in sent}
    )
    assert (fourteen.offset_label, fourteen.action) == ("14d", SEND)


def test_recipients_are_one_per_address_whatever_the_case():
    c = candidate(recipients=("Office@Example.org", "office@example.org", "other@example.org"))
    found = due([c], MEETING, days_before(60))
    assert sorted(d.recipient.address for d in found) == ["Office@Example.org", "other@example.org"]
    assert sorted(d.key.split("|")[3] for d in found) == ["office@example.org", "other@example.org"]
    assert "|office@example.org|" in reminder_key("m", "series:1", EVENT, "Office@Example.ORG", 1)


def test_an_unusable_address_is_missed_with_the_reason_and_others_are_sent():
    bad = Recipient("not-an-address", "sv", problem="no @-sign")
    found = due([candidate(recipients=(bad, "ok@example.org"))], MEETING, days_before(60))
    assert {(d.recipient.address, d.action, d.reason) for d in found} == {
        ("not-an-address", MISS, "address:no @-sign"),
        ("ok@example.org", SEND, ""),
    }


def test_a_disabled_rule_reminds_of_nothing():
    rules = {"meeting": Rule("meeting", (60 * DAY,), enabled=False)}
    assert due([candidate()], rules, days_before(60)) == []


def test_the_key_names_rule_object_original_start_recipient_and_offset():
    key = reminder_key("meeting", "series:3", EVENT, "A@Example.org", 2 * DAY)
    assert key == "meeting|series:3|20270610T080000Z|a@example.org|2880"
    assert (
        reminder_key("agreement-expiry", "agreement:1", None, "a@example.org", 0).count("|-|") == 1
    )


# --- properties ------------------------------------------------------------------------

offsets = st.lists(st.integers(0, 120 * 24), min_size=1, max_size=5, unique=True).map(
    lambda hours: tuple(sorted((h * 60 for h in hours), reverse=True))
)
moments = st.lists(st.integers(-130 * 24 * 60, 10 * 24 * 60), min_size=1, max_size=25)


def simulate(c: Candidate, rules, minutes: list[int]):
    """Sweep at each moment (minutes from the event), remembering what was recorded."""
    recorded: dict[str, object] = {}
    for m in sorted(minutes):
        for d in due([c], rules, EVENT + timedelta(minutes=m), recorded=recorded.keys()):
            assert d.key not in recorded
            recorded[d.key] = (d, EVENT + timedelta(minutes=m))
    return recorded


@settings(max_examples=150, deadline=None)
@given(offsets=offsets, minutes=moments)
def test_any_sweeps_record_each_reminder_once_and_send_only_the_latest_before_the_event(
    offsets, minutes
):
    rules = {"meeting": Rule("meeting", offsets)}
    recorded = simulate(candidate(), rules, minutes)
    for d, now in recorded.values():
        assert d.due_at <= now <= d.due_at + LOOKBACK
        if d.action == SEND:
            assert now < max(EVENT, d.due_at + AT_EVENT_GRACE)
            later = [o for o in offsets if o < d.offset and EVENT - timedelta(minutes=o) <= now]
            assert later == []


@settings(max_examples=150, deadline=None)
@given(offsets=offsets, extra=moments)
def test_sweeping_at_every_due_moment_sends_every_reminder_and_misses_none(offsets, extra):
    rules = {"meeting": Rule("meeting", offsets)}
    moments_due = [-o for o in offsets]
    recorded = simulate(candidate(), rules, moments_due + [m for m in extra if m < -min(offsets)])
    sent = sorted(d.offset for d, _ in recorded.values() if d.action == SEND)
    assert sent == sorted(offsets)


@settings(max_examples=100, deadline=None)
@given(offsets=offsets, start=st.integers(-130 * 24 * 60, 0))
def test_the_plan_is_what_sweeps_at_each_planned_moment_send(offsets, start):
    rules = {"meeting": Rule("meeting", offsets)}
    now = EVENT + timedelta(minutes=start)
    until = EVENT + timedelta(days=1)
    planned = upcoming([candidate()], rules, now, until)
    recorded = simulate(
        candidate(), rules, [int((d.due_at - EVENT).total_seconds() // 60) for d in planned]
    )
    assert {d.key for d in planned if d.action == SEND} == {
        k for k, (d, _) in recorded.items() if d.action == SEND
    }
