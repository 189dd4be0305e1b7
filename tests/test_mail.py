"""The outbox against a real SMTP server (aiosmtpd on a free local port)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail import (
    FAILED,
    QUEUED,
    SENT,
    OutboxMail,
    deliver_committed,
    deliver_due,
    message_id_for,
    queue_mail,
)
from app.timeutil import utcnow


def queue(key="k1", to="school@example.org", **kw):
    kw.setdefault("subject", "Bekräftelse")
    kw.setdefault("text", "Hej Göteborg!")
    return queue_mail(key=key, to=to, **kw)


def rows():
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)).all()


def test_queued_mail_is_delivered_after_commit(smtp):
    queue(html="<p>Hej Göteborg!</p>", language="sv")
    assert deliver_committed().sent == []  # nothing before the commit
    db.session.commit()
    report = deliver_committed()
    assert len(report.sent) == 1
    [msg] = smtp.wait_for(1)
    assert msg["To"] == "school@example.org"
    assert msg["From"] == "planner@example.org"
    assert msg["Subject"] == "Bekräftelse"
    assert msg["Content-Language"] == "sv"
    assert msg.get_body(("plain",)).get_content().strip() == "Hej Göteborg!"
    assert "<p>Hej Göteborg!</p>" in msg.get_body(("html",)).get_content()
    assert rows()[0].status == SENT


def test_rolled_back_mail_is_never_sent(smtp):
    queue()
    db.session.rollback()
    assert deliver_committed().sent == []
    assert rows() == []
    assert smtp.messages == []


def test_the_same_key_queues_only_once(smtp):
    first = queue(key="signup-1")
    second = queue(key="signup-1", subject="Other")
    assert first.id == second.id
    db.session.commit()
    deliver_committed()
    smtp.wait_for(1)
    assert len(smtp.messages) == 1


def test_message_id_is_deterministic_from_the_key(smtp):
    queue(key="reminder-42")
    db.session.commit()
    deliver_committed()
    [msg] = smtp.wait_for(1)
    assert msg["Message-ID"] == message_id_for("reminder-42", "planner@example.org")
    assert msg["Message-ID"].endswith("@example.org>")
    assert message_id_for("reminder-42", "x@example.org") == message_id_for(
        "reminder-42", "x@example.org"
    )


def test_ics_attachment_travels_with_its_method(smtp):
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    queue(ics=ics, ics_method="REQUEST", ics_filename="invite.ics")
    db.session.commit()
    deliver_committed()
    [msg] = smtp.wait_for(1)
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "invite.ics"
    assert b"METHOD:REQUEST" in attachment.get_payload(decode=True)


def test_ics_attachment_declares_utf8_so_readers_do_not_garble_it(smtp):
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Vänort\r\nEND:VCALENDAR\r\n"
    queue(ics=ics.encode(), ics_method="PUBLISH", ics_filename="event.ics")
    db.session.commit()
    deliver_committed()
    [msg] = smtp.wait_for(1)
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_content_charset() == "utf-8"
    assert attachment.get_param("method") == "PUBLISH"
    assert "X-WR-CALNAME:Vänort" in attachment.get_content()


def test_mail_waits_while_the_server_is_down_and_goes_out_when_it_is_back(app, smtp_server):
    queue()
    db.session.commit()
    report = deliver_committed()  # nobody listens on the port yet
    assert report.sent == [] and len(report.retrying) == 1
    [row] = rows()
    assert row.status == QUEUED and row.attempts == 1 and row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=30)  # backed off

    assert deliver_due().sent == []  # not due yet: no hammering
    smtp_server.start()
    report = deliver_due(now=utcnow() + timedelta(minutes=2))
    assert len(report.sent) == 1
    assert len(smtp_server.inbox.wait_for(1)) == 1
    assert rows()[0].status == SENT


def test_backoff_doubles_and_is_capped(app):
    for _ in range(12):
        queue(key="again")
        db.session.commit()
        deliver_due(now=utcnow() + timedelta(days=1))
    [row] = rows()
    assert row.status == QUEUED
    delay = row.next_attempt_at - utcnow()
    assert timedelta(minutes=59) < delay <= timedelta(hours=1, seconds=5)


def test_a_sent_mail_is_not_sent_again_by_the_sweep(smtp):
    queue()
    db.session.commit()
    deliver_committed()
    smtp.wait_for(1)
    deliver_due(now=utcnow() + timedelta(days=1))
    deliver_due(now=utcnow() + timedelta(days=2))
    assert len(smtp.messages) == 1


def test_a_mail_refused_for_good_is_marked_failed_not_retried(app):
    from aiosmtpd.controller import Controller

    class Refuser:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 No such user here"

    controller = Controller(Refuser(), hostname="127.0.0.1", port=app.config["SMTP_PORT"])
    controller.start()
    try:
        queue(to="nobody@example.org")
        db.session.commit()
        report = deliver_committed()
    finally:
        controller.stop()
    assert len(report.failed) == 1
    [row] = rows()
    assert row.status == FAILED and "550" in row.last_error


def test_a_stale_sending_row_is_requeued_by_the_sweep(smtp):
    mail = queue()
    db.session.commit()
    db.session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.id == mail.id)
        .values(status="sending", claimed_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    report = deliver_due()
    assert len(report.sent) == 1
    smtp.wait_for(1)


@pytest.mark.fresh_app
def test_mail_queued_by_a_request_is_delivered_after_it(app, smtp):
    from flask import Blueprint

    bp = Blueprint("mailtest", __name__)

    @bp.post("/_test/mail")
    def send():
        queue(key="from-request")
        db.session.commit()
        return "ok"

    app.register_blueprint(bp)
    app.config["WTF_CSRF_ENABLED"] = False
    from tests.conftest import IsolatedClient

    app.test_client_class = IsolatedClient
    assert app.test_client().post("/_test/mail").status_code == 200
    assert len(smtp.wait_for(1)) == 1
    assert rows()[0].status == SENT


def test_templated_mail_is_written_in_the_recipients_language(app, smtp):
    from jinja2 import ChoiceLoader, DictLoader

    from app.mail import queue_templated

    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "t/mail/hello.subject.txt": "{{ _('Page not found') }}",
                    "t/mail/hello.txt": "{{ _('Home') }}, {{ name }}",
                    "t/mail/hello.html": "<p>{{ _('Home') }}, {{ name }}</p>",
                }
            ),
            app.jinja_env.loader,
        ]
    )
    queue_templated(
        key="sv", to="a@example.org", template="t/mail/hello", language="sv", name="Åbo"
    )
    queue_templated(
        key="en", to="b@example.org", template="t/mail/hello", language="en", name="Åbo"
    )
    db.session.commit()
    deliver_committed()
    smtp.wait_for(2)
    [sv] = smtp.to("a@example.org")
    [en] = smtp.to("b@example.org")
    assert sv["Subject"] == "Sidan finns inte"
    assert sv.get_body(("plain",)).get_content().strip() == "Start, Åbo"
    assert en["Subject"] == "Page not found"
    assert en["Content-Language"] == "en"
    assert "<p>Home, Åbo</p>" in en.get_body(("html",)).get_content()


def test_two_transactions_queueing_the_same_key_send_one_mail(app, backend, smtp):
    """A second writer that loses the race for a key gets the existing mail, not an error."""
    if backend == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs two concurrent transactions")
    import threading

    errors = []
    barrier = threading.Barrier(2)

    def writer():
        try:
            with app.app_context():
                barrier.wait()
                queue(key="race")
                db.session.commit()
                deliver_committed()
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    smtp.wait_for(1)
    assert len(rows()) == 1
    assert len(smtp.messages) == 1


def test_a_subject_with_line_breaks_is_folded_to_one_line(smtp):
    queue(subject="Påminnelse\r\nBcc: someone@example.org")
    db.session.commit()
    deliver_committed()
    [msg] = smtp.wait_for(1)
    assert msg["Subject"] == "Påminnelse Bcc: someone@example.org"
    assert msg["Bcc"] is None


def test_a_row_that_cannot_be_built_is_failed_and_the_sweep_goes_on(smtp):
    bad = queue(key="bad", to="a@example.org")
    queue(key="good", to="b@example.org")
    db.session.commit()
    db.session.execute(sa.update(OutboxMail).where(OutboxMail.id == bad.id).values(subject="x\ry"))
    db.session.commit()
    report = deliver_due()
    assert report.failed == [bad.id] and len(report.sent) == 1
    smtp.wait_for(1)
    assert [m["To"] for m in smtp.messages] == ["b@example.org"]


def test_a_mail_accepted_while_another_process_writes_is_marked_sent_and_never_resent(app, backend):
    """SQLite: a write by another connection during the SMTP conversation must not leave
    the accepted mail in `sending` (it used to fail with "database is locked" and be sent
    again by the sweep)."""
    if backend != "sqlite":
        pytest.skip("SQLite's stale read snapshot; PostgreSQL locks rows")
    import sqlite3

    from aiosmtpd.controller import Controller

    from tests.conftest import Inbox

    path = db.engine.url.database

    class WritingInbox(Inbox):
        async def handle_DATA(self, server, session, envelope):
            other = sqlite3.connect(path, timeout=5, isolation_level=None)
            other.execute("UPDATE outbox_mail SET last_error = 'touched by another process'")
            other.close()
            return await super().handle_DATA(server, session, envelope)

    inbox = WritingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=app.config["SMTP_PORT"])
    controller.start()
    try:
        queue(key="busy")
        db.session.commit()
        report = deliver_committed()
        later = deliver_due(now=utcnow() + timedelta(hours=2))
    finally:
        controller.stop()
    assert len(report.sent) == 1
    assert later.sent == []
    [row] = rows()
    assert row.status == SENT
    assert len(inbox.messages) == 1


def test_a_row_left_sending_by_a_dead_process_is_sent_again_once_with_the_same_message_id(
    app, smtp
):
    """The documented rule: after STALE_SENDING the sweep re-queues it; a fresh claim is left."""
    from app.mail import STALE_SENDING

    stale = queue(key="stale")
    fresh = queue(key="fresh", to="other@example.org")
    db.session.commit()
    for mail, age in ((stale, STALE_SENDING + timedelta(minutes=1)), (fresh, timedelta(minutes=1))):
        db.session.execute(
            sa.update(OutboxMail)
            .where(OutboxMail.id == mail.id)
            .values(status="sending", claimed_at=utcnow() - age)
        )
    db.session.commit()
    assert deliver_due().sent == [stale.id]
    assert deliver_due().sent == []
    [msg] = smtp.wait_for(1)
    assert msg["Message-ID"] == message_id_for("stale", app.config["MAIL_FROM"])
    assert {r.dedup_key: r.status for r in rows()} == {"stale": SENT, "fresh": "sending"}


def _refusing_server(app, *, rcpt: str | None = None, mail_from: str | None = None):
    from aiosmtpd.controller import Controller

    class Refuser:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if rcpt:
                return rcpt
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_MAIL(self, server, session, envelope, address, mail_options):
            if mail_from:
                return mail_from
            envelope.mail_from = address
            return "250 OK"

    return Controller(Refuser(), hostname="127.0.0.1", port=app.config["SMTP_PORT"])


def test_a_greylisting_answer_is_retried_and_the_mail_goes_out_once_later(app, smtp_server):
    controller = _refusing_server(app, rcpt="450 4.2.0 Greylisted, try again later")
    controller.start()
    try:
        queue(to="school@example.org")
        db.session.commit()
        report = deliver_due()
    finally:
        controller.stop()
    assert report.retrying and not report.failed
    [row] = rows()
    assert row.status == QUEUED and "450" in row.last_error and row.failing_since is not None
    smtp_server.start()
    assert deliver_due().sent == []  # not before its back-off
    assert len(deliver_due(now=utcnow() + timedelta(hours=2)).sent) == 1
    assert len(smtp_server.inbox.wait_for(1)) == 1
    assert rows()[0].status == SENT and rows()[0].failing_since is None


def test_a_server_refusing_our_sender_keeps_every_mail_queued_for_the_alarm(app):
    controller = _refusing_server(app, mail_from="550 5.7.1 Sender not allowed")
    controller.start()
    try:
        queue(key="a", to="a@example.org")
        queue(key="b", to="b@example.org")
        db.session.commit()
        report = deliver_due()
    finally:
        controller.stop()
    assert len(report.retrying) == 2 and report.failed == []
    assert {(r.status, r.failing_since is not None) for r in rows()} == {(QUEUED, True)}
