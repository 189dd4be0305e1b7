"""The coordinators' reminder pages: coming, the log with retry, and the rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.audit import AuditEntry
from app.extensions import db
from app.mail import FAILED, SENT, OutboxMail, deliver_due
from app.partners.services import home_today
from app.reminders.models import Reminder
from tests.agreements.factories import make_agreement
from tests.factories import make_partner
from tests.grants.factories import make_grant, make_obligation
from tests.reminders.conftest import at_home, recorded, sweep


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/admin/reminders/"),
        ("get", "/admin/reminders/log"),
        ("get", "/admin/reminders/rules"),
        ("post", "/admin/reminders/log/1/retry"),
        ("post", "/admin/reminders/rules/meeting"),
    ],
)
def test_anonymous_visitors_are_sent_to_login(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_coming_reminders_say_what_goes_to_whom_in_swedish_and_english(logged_in):
    today = home_today()
    # The council decides in 30 days: the 30-day reminder is due today, the last one then.
    make_agreement(
        make_partner("Shanghai"),
        starts_on=today - timedelta(days=600),
        ends_on=today + timedelta(days=150),
        decision_lead_days=120,
    )
    sv = logged_in.get("/admin/reminders/?lang=sv")
    assert sv.status_code == 200
    page = sv.get_data(as_text=True)
    assert "Kommande påminnelser" in page
    assert page.count('data-reminder-rule="agreement-decision"') == 2
    assert 'data-offset="0d"' in page and "office@example.org" in page
    assert "Memorandum of understanding (Shanghai)" in page
    en = logged_in.get("/admin/reminders/?lang=en").get_data(as_text=True)
    assert "Coming reminders" in en and "renewal decision date, 30d before" in en


def _failed_reminder() -> Reminder:
    """A reminder whose mail the server refused for good."""
    make_obligation(make_grant(title="Accessible city"), "payment", date(2030, 6, 1))
    sweep(at_home(date(2030, 5, 29), 9))  # no server listening: the mail stays queued
    reminder = db.session.scalar(sa.select(Reminder).where(Reminder.offset_minutes == 3 * 1440))
    db.session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.id == reminder.mail_id)
        .values(status=FAILED, last_error="550 5.1.1 Mailbox unavailable")
    )
    db.session.commit()
    return reminder


@pytest.mark.parametrize("lang, word", [("sv", "Misslyckades"), ("en", "Failed")])
def test_the_log_shows_failed_ones_with_the_servers_answer(logged_in, lang, word):
    reminder = _failed_reminder()
    page = logged_in.get(f"/admin/reminders/log?status=failed&lang={lang}").get_data(as_text=True)
    assert f'data-reminder="{reminder.id}" data-status="failed"' in page
    assert "550 5.1.1 Mailbox unavailable" in page and word in page
    missed = logged_in.get(f"/admin/reminders/log?status=missed&lang={lang}").get_data(as_text=True)
    # The 14-day reminder was due at the same time as the 3-day one: recorded as missed.
    assert 'data-status="missed"' in missed and 'data-status="failed"' not in missed


def test_retry_sends_a_failed_reminder_once_and_says_so_when_it_is_not_failed(
    logged_in, smtp_server
):
    reminder = _failed_reminder()
    smtp_server.start()
    response = logged_in.post(f"/admin/reminders/log/{reminder.id}/retry?lang=en")
    assert response.status_code == 302
    assert len(deliver_due().sent) == 1
    assert db.session.get(OutboxMail, reminder.mail_id).status == SENT
    again = logged_in.post(
        f"/admin/reminders/log/{reminder.id}/retry?lang=en", follow_redirects=True
    )
    assert "has not failed (any more)" in again.get_data(as_text=True)
    assert deliver_due().sent == []
    assert [m["To"] for m in smtp_server.inbox.wait_for(1)] == ["office@example.org"]
    assert len(smtp_server.inbox.messages) == 1


def test_retrying_a_reminder_that_does_not_exist_is_404(logged_in):
    assert logged_in.post("/admin/reminders/log/999999/retry").status_code == 404


def test_the_rules_form_refuses_bad_offsets_with_a_translated_message(logged_in):
    response = logged_in.post(
        "/admin/reminders/rules/grant-obligation?lang=sv",
        data={"grant-obligation-offsets": "60d, often", "grant-obligation-enabled": "y"},
    )
    assert response.status_code == 422
    assert "”often” är ingen tid" in response.get_data(as_text=True)
    english = logged_in.post(
        "/admin/reminders/rules/grant-obligation?lang=en",
        data={"grant-obligation-offsets": "", "grant-obligation-enabled": "y"},
    )
    assert english.status_code == 422
    assert "Give at least one offset" in english.get_data(as_text=True)


def test_what_was_typed_is_quoted_in_the_error_as_text_never_as_markup(logged_in):
    response = logged_in.post(
        "/admin/reminders/rules/meeting?lang=en",
        data={"meeting-offsets": "<svg/onload=alert()>", "meeting-enabled": "y"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<svg/onload" not in page
    assert "&lt;svg/onload" in page


def test_a_changed_rule_takes_effect_in_the_next_sweep_and_is_audited(logged_in):
    make_obligation(make_grant(), "payment", date(2030, 6, 10))
    response = logged_in.post(
        "/admin/reminders/rules/grant-obligation",
        data={"grant-obligation-offsets": "5d", "grant-obligation-enabled": "y"},
    )
    assert response.status_code == 302
    sweep(at_home(date(2030, 6, 5), 9))
    assert recorded() == [("grant-obligation", "office@example.org", "queued", 5)]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_type == "ReminderRule"))
    assert entry.actor_email == "office@example.org" and '"5d"' in entry.after
    assert "5d" in logged_in.get("/admin/reminders/rules").get_data(as_text=True)


def test_a_rule_turned_off_sends_nothing(logged_in):
    make_obligation(make_grant(), "payment", date(2030, 6, 10))
    logged_in.post(
        "/admin/reminders/rules/grant-obligation",
        data={"grant-obligation-offsets": "60d, 14d, 3d"},
    )
    assert sweep(at_home(date(2030, 6, 7), 9)).outcomes == []


def test_the_dashboard_panel_lists_failed_reminders_only_when_there_are_some(logged_in):
    from app.reminders.panels import failed_reminders

    assert failed_reminders(home_today()) is None
    reminder = _failed_reminder()
    panel = failed_reminders(home_today())
    assert panel["count"] == 1
    assert [r.id for r, _mail in panel["latest"]] == [reminder.id]


def test_a_reminder_is_labelled_with_the_title_in_the_readers_language(logged_in):
    from tests.meetings.factories import make_meeting

    today = home_today()
    start = today + timedelta(days=20)  # its 14-day reminder is due in six days
    make_meeting(
        make_partner("Shanghai", timezone="Asia/Shanghai"),
        title_sv="Delegationsbesök från Shanghai",
        title_en="Delegation visit from Shanghai",
        start_date=start,
    )
    make_meeting(
        make_partner("Bergen", timezone="Europe/Oslo"),
        title_sv="Vänortsmöte i Bergen",
        title_en="",
        start_date=start,
    )
    due = today + timedelta(days=6)
    calendar = f"/calendar/{due.year}/{due.month}"
    for path in ("/admin/reminders/", calendar):
        en = logged_in.get(f"{path}?lang=en").get_data(as_text=True)
        assert "Delegation visit from Shanghai" in en, path
        assert "Delegationsbesök från Shanghai" not in en, path
        assert "Vänortsmöte i Bergen" in en, path  # no English title: the Swedish one
        sv = logged_in.get(f"{path}?lang=sv").get_data(as_text=True)
        assert "Delegationsbesök från Shanghai" in sv, path
        assert "Delegation visit from Shanghai" not in sv, path
    en = logged_in.get(f"{calendar}?kind=reminder&lang=en").get_data(as_text=True)
    assert "Reminder, 14d before: Delegation visit from Shanghai" in en
