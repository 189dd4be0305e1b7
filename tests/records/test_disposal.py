"""The disposal job erases personal data past its time by the configured rules, keeps the
counts, and logs what it disposed of."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.audit import AuditEntry
from app.csvutil import read_excel_csv
from app.exchanges import models as m
from app.extensions import db
from app.records.models import DisposalLog
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import make_partner


def past_exchange(days_ago: int, groups: tuple[tuple[str, int, str], ...]) -> m.Exchange:
    """An exchange that ended `days_ago` days ago, with (school, pupils, address) groups."""
    exchange = make_exchange(places=40)
    for school, pupils, email in groups:
        make_signup(exchange, school, pupils=pupils, email=email)
    exchange.starts_on = date.today() - timedelta(days=days_ago + 5)
    exchange.ends_on = date.today() - timedelta(days=days_ago)
    exchange.status = m.CLOSED
    db.session.commit()
    return exchange


def signups_of(exchange: m.Exchange) -> list[m.Signup]:
    return list(
        db.session.scalars(
            sa.select(m.Signup).where(m.Signup.exchange_id == exchange.id).order_by(m.Signup.id)
        )
    )


def test_the_disposal_job_erases_a_past_exchanges_contacts_and_keeps_its_counts(
    app, runner, logged_in
):
    old = past_exchange(
        400,
        (
            ("Hvitfeldtska gymnasiet", 8, "anna.larare@hvitfeldtska.example.org"),
            ("Angeredsgymnasiet", 6, "bo.berg@angered.example.org"),
        ),
    )
    recent = past_exchange(200, (("Schillerska gymnasiet", 5, "cecilia@schillerska.example.org"),))

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "school_contacts  disposed of 2" in result.output

    erased = signups_of(old)
    assert [(s.pupils, s.teachers, s.status) for s in erased] == [
        (8, 1, m.CONFIRMED),
        (6, 1, m.CONFIRMED),
    ]
    assert all(s.erased_at is not None and s.contact_name == "" for s in erased)
    assert not any("example.org" in s.contact_email for s in erased)
    assert signups_of(recent)[0].contact_email == "cecilia@schillerska.example.org"

    page = logged_in.get(f"/admin/exchanges/{old.id}?lang=en").get_data(as_text=True)
    assert "anna.larare" not in page and "Anna Lärare" not in page
    assert "Contact details erased" in page
    assert "Hvitfeldtska gymnasiet" in page and "<td>8</td>" in page and "<td>6</td>" in page
    response = logged_in.get(f"/admin/exchanges/{old.id}/participants.csv?lang=en")
    rows = read_excel_csv(response.data)
    assert "anna.larare@hvitfeldtska.example.org" not in response.get_data(as_text=True)
    assert [row[4] for row in rows[1:]] == ["8", "6"]  # pupils
    assert response.get_data(as_text=True).count("Anna Lärare") == 0

    # The log of changes no longer quotes the erased addresses either.
    audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "Signup")
    ).all()
    texts = " ".join(f"{e.before} {e.after} {e.message} {e.summary}" for e in audit)
    assert "anna.larare" not in texts and "bo.berg" not in texts
    assert "cecilia@schillerska.example.org" in texts

    log = db.session.scalars(sa.select(DisposalLog)).all()
    assert [(entry.kind, entry.count, entry.months) for entry in log] == [
        ("school_contacts", 2, 12)
    ]
    assert "example.org" not in json.dumps([str(vars(e)) for e in log])


def test_a_second_run_disposes_of_nothing_more(app, runner):
    past_exchange(400, (("Hvitfeldtska gymnasiet", 8, "anna@hvitfeldtska.example.org"),))
    runner.invoke(args=["retention", "run"])
    result = runner.invoke(args=["retention", "run"])
    assert "school_contacts  disposed of 0" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisposalLog)) == 1


def test_a_dry_run_says_what_would_go_and_changes_nothing(app, runner):
    exchange = past_exchange(400, (("Hvitfeldtska gymnasiet", 8, "anna@hvitfeldtska.example.org"),))
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert "school_contacts  would dispose of 1" in result.output
    db.session.expire_all()
    assert signups_of(exchange)[0].contact_email == "anna@hvitfeldtska.example.org"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisposalLog)) == 0


def test_the_period_is_configurable_and_zero_keeps_the_records(app, runner):
    exchange = past_exchange(400, (("Hvitfeldtska gymnasiet", 8, "anna@hvitfeldtska.example.org"),))
    app.config["RETENTION_SCHOOL_CONTACTS_MONTHS"] = 24
    runner.invoke(args=["retention", "run"])
    app.config["RETENTION_SCHOOL_CONTACTS_MONTHS"] = 0
    result = runner.invoke(args=["retention", "run"])
    assert "kept for good" in result.output
    db.session.expire_all()
    assert signups_of(exchange)[0].contact_email == "anna@hvitfeldtska.example.org"
    # --now moves the clock: two years on, the 24-month rule applies.
    app.config["RETENTION_SCHOOL_CONTACTS_MONTHS"] = 24
    later = (datetime.now(UTC) + timedelta(days=400)).strftime("%Y-%m-%dT%H:%MZ")
    runner.invoke(args=["retention", "run", "--now", later])
    db.session.expire_all()
    assert signups_of(exchange)[0].erased_at is not None


def test_delegates_of_a_past_meeting_are_erased_and_their_replies_still_counted(
    app, runner, logged_in
):
    from app.meetings import services
    from app.meetings.models import Delegate
    from tests.meetings.factories import make_meeting

    meeting = make_meeting(
        make_partner("Bergen", timezone="Europe/Oslo"),
        start_date=date.today() - timedelta(days=800),
        start_time=time(9, 0),
        end_time=time(12, 0),
    )
    for name, reply in (("Kari Nordmann", "accepted"), ("Ola Nordmann", "declined")):
        delegate = services.add_delegate(
            meeting, name=name, email=f"{name.split()[0].lower()}@bergen.example.org"
        )
        delegate.reply = reply
    db.session.commit()

    result = runner.invoke(args=["retention", "run"])
    assert "delegates        disposed of 2" in result.output
    delegates = db.session.scalars(sa.select(Delegate).order_by(Delegate.id)).all()
    assert [d.reply for d in delegates] == ["accepted", "declined"]
    assert all(d.erased_at and "bergen" not in d.email for d in delegates)
    page = logged_in.get(f"/admin/meetings/meeting/{meeting.id}?lang=en")
    html = page.get_data(as_text=True)
    assert "Kari Nordmann" not in html and "kari@bergen" not in html
    assert html.count("<em>Erased</em>") == 2


def test_old_mail_loses_its_recipient_and_text_but_is_not_sent_again(app, runner):
    from app.mail import SENT, OutboxMail, queue_mail

    mail = queue_mail(key="k1", to="anna@example.org", subject="Hej Anna", text="Hej Anna!")
    mail.status = SENT
    mail.created_at = datetime.now(UTC) - timedelta(days=400)
    db.session.commit()
    runner.invoke(args=["retention", "run"])
    db.session.expire_all()
    row = db.session.get(OutboxMail, mail.id)
    assert (row.to_addr, row.subject, row.body_text, row.status) == ("", "", "", SENT)
    assert queue_mail(key="k1", to="x@example.org", subject="s", text="t").id == mail.id


def test_old_audit_entries_are_deleted(app, runner):
    from app import audit

    entry = audit.record(audit.CREATE, object_type="Signup", object_id=1, summary="old")
    entry.at = datetime.now(UTC) - timedelta(days=365 * 6)
    audit.record(audit.CREATE, object_type="Signup", object_id=2, summary="new")
    db.session.commit()
    runner.invoke(args=["retention", "run"])
    assert list(db.session.scalars(sa.select(AuditEntry.summary))) == ["new"]


def test_the_scheduler_runs_the_disposal_daily():
    from app.scheduler import JOBS, dispose_records

    job = next(j for j in JOBS if j.id == "records-disposal")
    assert job.run is dispose_records and job.every_seconds == 24 * 60 * 60


def test_the_scheduler_job_disposes(app):
    from app.scheduler import JOBS, run_job

    exchange = past_exchange(400, (("Hvitfeldtska gymnasiet", 8, "anna@hvitfeldtska.example.org"),))
    run_job(app, next(j for j in JOBS if j.id == "records-disposal"))
    db.session.expire_all()
    assert signups_of(exchange)[0].erased_at is not None


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_privacy_notice_states_the_rules_in_force(app, client, lang):
    app.config["RETENTION_SCHOOL_CONTACTS_MONTHS"] = 18
    app.config["RETENTION_AUDIT_MONTHS"] = 0
    html = client.get(f"/privacy?lang={lang}").get_data(as_text=True)
    assert (
        "18 månader efter att utbytet" if lang == "sv" else "18 months after the exchange ended"
    ) in html
    assert 'data-retention="audit" data-months=""' in html
    app.config["RETENTION_SCHOOL_CONTACTS_MONTHS"] = 12
    html = client.get(f"/privacy?lang={lang}").get_data(as_text=True)
    assert ("12 månader" if lang == "sv" else "12 months") in html


def test_an_erased_sign_ups_mailed_link_is_revoked(app, runner):
    from app.exchanges.errors import ExchangeError
    from app.exchanges.links import signup_from_token, signup_token

    exchange = past_exchange(400, (("Hvitfeldtska gymnasiet", 8, "anna@hvitfeldtska.example.org"),))
    token = signup_token(signups_of(exchange)[0])
    with pytest.raises(ExchangeError) as before:
        signup_from_token(token)
    assert before.value.code == "link_expired"  # it still names the sign-up
    runner.invoke(args=["retention", "run"])
    db.session.expire_all()
    with pytest.raises(ExchangeError) as after:
        signup_from_token(token)
    assert after.value.code == "bad_link"  # it names nothing any more


def test_an_administrator_sets_a_rule_that_overrides_the_configuration(app, logged_in, runner):
    from app.records.models import RetentionRule

    exchange = past_exchange(200, (("Hvitfeldtska gymnasiet", 8, "anna@hvitfeldtska.example.org"),))
    page = logged_in.get("/admin/retention/?lang=en").get_data(as_text=True)
    assert 'data-retention="school_contacts" data-months="12"' in page
    response = logged_in.post(
        "/admin/retention/school_contacts?lang=en", data={"school_contacts-months": "6"}
    )
    assert response.status_code == 302
    assert db.session.get(RetentionRule, "school_contacts").months == 6
    notice = logged_in.get("/privacy?lang=en").get_data(as_text=True)
    assert "6 months after the exchange ended" in notice
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "RetentionRule")
    ).one()
    assert "6 months" in entry.summary
    runner.invoke(args=["retention", "run"])
    db.session.expire_all()
    assert signups_of(exchange)[0].erased_at is not None  # ended 200 days ago: over 6 months
    # Emptied: back to the configuration's 12 months.
    logged_in.post("/admin/retention/school_contacts", data={"school_contacts-months": ""})
    assert db.session.get(RetentionRule, "school_contacts") is None


def test_a_rule_out_of_range_is_refused(app, logged_in):
    response = logged_in.post(
        "/admin/retention/school_contacts?lang=en", data={"school_contacts-months": "-3"}
    )
    assert response.status_code == 422
    assert "from 0 to 1200" in response.get_data(as_text=True)
    assert logged_in.post("/admin/retention/nothing", data={}).status_code == 404
