"""Reminders sent once, on time, to the right people: the sweep and `flask reminders run`."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.boundary import unit_of_work
from app.extensions import db
from app.mail import OutboxMail, deliver_due
from app.meetings import services as meetings
from app.meetings.delegates import add_occurrence_delegate, invite_occurrence_delegates
from app.meetings.invitations import invite_delegates
from app.meetings.models import REPLY_ACCEPTED
from app.meetings.occurrences import series_occurrences
from app.reminders.models import Reminder
from app.reminders.services import run_sweep
from tests.agreements.factories import make_agreement
from tests.factories import make_coordinator, make_partner
from tests.grants.factories import make_grant, make_obligation
from tests.meetings.factories import make_meeting, make_nordic_partners, make_series, meeting_values
from tests.reminders.conftest import at_home, mail_count, recorded, sweep

# A memorandum from 2024 to 2026-12-31 with the default 120 days' lead: the council
# decides by 2026-09-02; its 30-day reminder is due 2026-08-03 08:00 in Stockholm.
DECISION_30D = datetime(2026, 8, 3, 6, 0, tzinfo=UTC)


def test_run_twice_sends_each_due_reminder_once(office, runner, smtp):
    make_agreement(make_partner("Shanghai", country="CN", timezone="Asia/Shanghai"))
    first = runner.invoke(args=["reminders", "run", "--now", "2026-08-03T06:30Z"])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "sent    2026-08-03 06:00 UTC  agreement-decision 30d  office@example.org  "
        "Memorandum of understanding (Shanghai)"
    ]
    again = runner.invoke(args=["reminders", "run", "--now", "2026-08-03T07:30Z"])
    assert again.exit_code == 0
    assert "sent" not in again.output
    deliver_due()
    [message] = smtp.wait_for(1)
    assert message["To"] == "office@example.org"
    assert "Shanghai" in message["Subject"] and "30 dagar" in message["Subject"]
    assert message["Content-Language"] == "sv"
    ics = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    assert b"UID:agreement-" in ics.get_content().encode() or "UID:agreement-" in ics.get_content()
    assert (
        "http://planner.example.org/admin/agreements/" in message.get_body(("plain",)).get_content()
    )


def test_dry_run_prints_the_plan_and_writes_nothing(office, runner, smtp):
    make_agreement(make_partner("Shanghai"))
    result = runner.invoke(args=["reminders", "run", "--now", "2026-08-03T06:30", "--dry-run"])
    assert result.exit_code == 0
    assert result.output.startswith("planned 2026-08-03 06:00 UTC  agreement-decision 30d")
    assert (db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)), mail_count()) == (
        0,
        0,
    )


def test_a_garbage_now_is_a_clear_error_not_a_traceback(app, runner):
    result = runner.invoke(args=["reminders", "run", "--now", "next tuesday"])
    assert result.exit_code == 2
    assert "--now" in result.output and "not an ISO date-time" in result.output
    assert "Traceback" not in result.output


def test_with_the_mail_server_down_the_sweep_queues_and_sends_once_when_it_is_back(
    office, runner, smtp_server
):
    make_agreement(make_partner("Shanghai"))
    result = runner.invoke(args=["reminders", "run", "--now", "2026-08-03T06:30Z"])
    assert result.exit_code == 0
    assert result.output.startswith("queued  2026-08-03 06:00 UTC  agreement-decision 30d")
    assert "Connection refused" in result.output or "ConnectionRefused" in result.output
    smtp_server.start()
    assert runner.invoke(args=["reminders", "run", "--now", "2026-08-03T07:00Z"]).output.startswith(
        "No reminders due"
    )
    later = datetime.now(UTC) + timedelta(hours=2)  # past the outbox's retry delay
    assert len(deliver_due(later).sent) == 1
    assert deliver_due(later + timedelta(hours=1)).sent == []
    assert len(smtp_server.inbox.wait_for(1)) == 1
    assert len(smtp_server.inbox.messages) == 1


def test_a_series_occurrence_moved_after_its_60_day_reminder_gets_the_14_day_one_for_its_new_time(
    office, smtp
):
    towns = make_nordic_partners()
    series = make_series(list(towns.values()))
    occ = series_occurrences(series, through=date(2030, 12, 31))[0]
    delegate = add_occurrence_delegate(
        series, occ.key, name="Delegate", email="delegate@example.org"
    )
    invite_occurrence_delegates(series, occ.key)
    delegate.reply = REPLY_ACCEPTED  # answered: no "will you attend?" reminder
    # Added but not invited yet: knows nothing of the meeting, so gets no reminder.
    add_occurrence_delegate(series, occ.key, name="Not yet", email="not-yet@example.org")
    db.session.commit()
    sweep(occ.start - timedelta(days=60))
    assert sorted(r[1] for r in recorded()) == ["delegate@example.org", "office@example.org"]
    moved = meetings.move_occurrence(series, occ.key, new_date=date(2030, 7, 1), reason="Venue")
    db.session.commit()
    assert sweep(moved.start - timedelta(days=60)).outcomes == []
    report = sweep(moved.start - timedelta(days=14))
    assert sorted((o.due.recipient.address, o.due.offset_label) for o in report.outcomes) == [
        ("delegate@example.org", "14d"),
        ("office@example.org", "14d"),
    ]
    # Four reminders, beside the delegate's invitation and its update after the move.
    assert len(smtp.wait_for(6)) == 6
    assert len(smtp.to("office@example.org")) == 2
    reminder = [m for m in smtp.to("delegate@example.org") if "14" in m["Subject"]][-1]
    assert "1 juli 2030" in reminder.get_body(("plain",)).get_content()
    assert smtp.to("not-yet@example.org") == []


def test_an_unpublished_meetings_reminders_go_to_the_coordinators_only(office, smtp):
    meeting = make_meeting(
        make_partner("Bergen", timezone="Europe/Oslo"), start_date=date(2030, 3, 12)
    )
    meetings.add_delegate(meeting, name="Delegate", email="delegate@example.org")
    invite_delegates(meeting)
    meeting.published = False  # its public page, the delegate's link, answers 404
    db.session.commit()
    sweep(meeting.starts_at - timedelta(days=14))
    assert [r[1] for r in recorded()] == ["office@example.org"]


def test_a_one_off_meeting_moved_after_its_60_day_reminder_does_not_get_it_again(office, smtp):
    partner = make_partner("Bergen", timezone="Europe/Oslo")
    meeting = make_meeting(partner, start_date=date(2030, 3, 12))
    sweep(meeting.starts_at - timedelta(days=60))
    meetings.update_meeting(meeting, **meeting_values(partner, start_date=date(2030, 4, 2)))
    db.session.commit()
    assert sweep(meeting.starts_at - timedelta(days=60)).outcomes == []
    assert [o.due.offset_label for o in sweep(meeting.starts_at - timedelta(days=14)).outcomes] == [
        "14d"
    ]
    assert len(smtp.wait_for(2)) == 2


def test_after_a_week_stopped_only_what_is_still_useful_is_sent_the_rest_recorded_missed(
    office, smtp
):
    now = at_home(date(2030, 5, 20), 9)
    grant = make_grant(title="Accessible city")
    soon = make_obligation(grant, "interim_report", date(2030, 5, 22))
    past = make_obligation(grant, "final_report", date(2030, 5, 18))
    sweep(now - timedelta(days=8))  # the last sweep before the scheduler stopped
    assert recorded() == [
        ("grant-obligation", "office@example.org", "queued", 14),
        ("grant-obligation", "office@example.org", "queued", 14),
    ]
    report = sweep(now)
    outcome = {(o.due.candidate.object_key, o.due.offset_label): o for o in report.outcomes}
    assert set(outcome) == {(f"obligation:{soon.id}", "3d"), (f"obligation:{past.id}", "3d")}
    assert outcome[f"obligation:{soon.id}", "3d"].status == "queued"
    assert (
        outcome[f"obligation:{past.id}", "3d"].status,
        outcome[f"obligation:{past.id}", "3d"].reason,
    ) == (
        "missed",
        "passed",
    )
    assert len(smtp.wait_for(3)) == 3  # two 14-day reminders, one 3-day one


def test_after_two_months_stopped_what_fell_due_meanwhile_is_recorded_missed(office, smtp):
    """A stop longer than the 30-day look-back still leaves a trace of every reminder."""
    grant = make_grant(title="Accessible city")
    report_due = make_obligation(grant, "interim_report", date(2030, 3, 20))
    sweep(at_home(date(2030, 1, 5), 9))  # the last sweep before the scheduler stopped
    assert recorded() == []  # the 60-day reminder falls due on 19 January
    sweep(at_home(date(2030, 5, 1), 9))  # restarted after almost four months
    assert recorded() == [
        ("grant-obligation", "office@example.org", "missed", 60),
        ("grant-obligation", "office@example.org", "missed", 14),
        ("grant-obligation", "office@example.org", "missed", 3),
    ]
    assert mail_count() == 0
    assert report_due.done_on is None


def test_a_first_sweep_does_not_log_ancient_misses(office, smtp):
    grant = make_grant(title="Accessible city")
    make_obligation(grant, "interim_report", date(2030, 1, 20))
    sweep(at_home(date(2030, 5, 1), 9))  # a fresh install: nothing was ever swept
    assert recorded() == []


def test_cancelled_and_done_things_get_no_reminders(office, smtp):
    towns = make_nordic_partners()
    series = make_series(list(towns.values()))
    occ = series_occurrences(series, through=date(2030, 12, 31))[0]
    meetings.cancel_occurrence(series, occ.key, reason="No budget")
    meeting = make_meeting(towns["bergen"], start_date=occ.start.date())
    meetings.cancel_meeting(meeting, reason="Storm")
    grant = make_grant()
    make_obligation(grant, "payment", occ.start.date(), done_on=date(2030, 1, 2))
    db.session.commit()
    for days in (60, 14, 2):
        sweep(occ.start - timedelta(days=days))
    assert recorded() == []
    assert smtp.messages == []


def test_two_sweeps_at_once_queue_nothing_twice(app, office, smtp):
    grant = make_grant()
    for n in range(3):
        make_obligation(grant, "payment", date(2030, 6, 1 + n))
    make_coordinator("second@example.org")
    now = at_home(date(2030, 5, 29), 9)  # the three 3-day reminders are due
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def one_sweep() -> None:
        with app.app_context():
            try:
                barrier.wait(5)
                with unit_of_work():
                    reports.append(run_sweep(now))
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sum(len(r.queued) for r in reports) == 6  # 3 obligations x 2 coordinators
    assert mail_count() == 6
    deliver_due()
    assert len(smtp.wait_for(6)) == 6
    assert sorted(m["To"] for m in smtp.messages).count("second@example.org") == 3


def test_a_malformed_recipient_is_recorded_missed_and_the_others_are_sent(office, smtp):
    from app.auth.models import Coordinator

    db.session.add(Coordinator(email="nobody at example", password_hash="x", language="en"))
    db.session.commit()
    grant = make_grant()
    make_obligation(grant, "payment", date(2030, 6, 1))
    sweep(at_home(date(2030, 5, 29), 9))
    assert sorted(r for r in recorded() if r[3] == 3) == [
        ("grant-obligation", "nobody at example", "missed", 3),
        ("grant-obligation", "office@example.org", "queued", 3),
    ]
    reason = db.session.scalar(
        sa.select(Reminder.reason).where(
            Reminder.recipient == "nobody at example", Reminder.offset_minutes == 3 * 1440
        )
    )
    assert reason.startswith("address:")
    assert [m["To"] for m in smtp.wait_for(1)] == ["office@example.org"]


def test_outbox_mail_of_a_reminder_has_the_reminder_key(office, smtp):
    make_agreement(make_partner("Shanghai"))
    sweep(DECISION_30D)
    reminder = db.session.scalar(sa.select(Reminder))
    mail = db.session.get(OutboxMail, reminder.mail_id)
    assert mail.dedup_key == "reminder:" + reminder.key
