"""What each reminder says, to whom, in which language, with which calendar entry."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa

from app.exchanges import models as xm
from app.exchanges import services as exchanges
from app.exchanges.calendar import exchange_event
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.calendar import meeting_calevent
from app.meetings.invitations import invite_delegates
from app.meetings.models import REPLY_DECLINED
from app.partners.services import home_timezone
from app.reminders.models import Reminder
from app.timeutil import localize
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import make_partner
from tests.meetings.factories import make_meeting
from tests.reminders.conftest import sweep


def ics_of(message) -> str:
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    return part.get_content()


def at_8(day: date):
    return localize(day, time(8), home_timezone())


def test_confirmed_schools_get_the_programme_in_their_language_with_the_exchange_in_the_calendar(
    office, smtp
):
    exchange = make_exchange(
        make_partner("Aarhus"),
        programme_sv="Dag 1: rådhuset",
        programme_en="Day 1: the city hall",
        practical_en="Bring a passport.",
    )
    english = make_signup(
        exchange, "Hvitfeldtska", email="intl@hvitfeldtska.example.org", language="en"
    )
    gone = make_signup(exchange, "Katedral", email="kontor@katedral.example.org")
    exchanges.cancel_signup(gone)
    db.session.commit()
    sweep(at_8(exchange.starts_on - timedelta(days=14)) + timedelta(minutes=1))
    [mail] = [m for m in smtp.to("intl@hvitfeldtska.example.org") if "starts" in m["Subject"]]
    assert mail["Content-Language"] == "en"
    assert mail["Subject"] == "Youth exchange starts in 14 days"
    body = mail.get_body(("plain",)).get_content()
    assert "Day 1: the city hall" in body and "Bring a passport." in body
    assert "/signups/" in body  # the school's own link
    assert f"UID:{exchange_event(exchange).uid}" in ics_of(mail)
    assert [m for m in smtp.to("kontor@katedral.example.org") if "börjar" in m["Subject"]] == []
    assert english.status == xm.CONFIRMED


def test_a_school_whose_offer_lapses_in_24_hours_is_reminded_once(office, smtp):
    exchange = make_exchange(places=3)
    first = make_signup(exchange, "Först", pupils=3)
    waiting = make_signup(exchange, "Väntar", pupils=3, email="vantar@example.org")
    exchanges.cancel_signup(first)
    db.session.commit()
    db.session.refresh(waiting)
    assert waiting.status == xm.OFFERED
    moment = waiting.offer_expires_at - timedelta(hours=24)
    sweep(moment)
    sweep(moment + timedelta(hours=1))
    reminders = [m for m in smtp.to("vantar@example.org") if "går snart ut" in m["Subject"]]
    assert len(reminders) == 1
    assert "/signups/" in reminders[0].get_body(("plain",)).get_content()


def test_coordinators_hear_a_week_before_sign_up_closes_with_the_places_taken(office, smtp):
    exchange = make_exchange(places=30)
    make_signup(exchange, pupils=6)
    sweep(exchange.signup_closes_at - timedelta(days=7))
    [mail] = [m for m in smtp.to("office@example.org") if "Anmälan stänger" in m["Subject"]]
    assert "20 %" in mail["Subject"]
    assert "Tagna platser: 6 av 30" in mail.get_body(("plain",)).get_content()
    assert f"/admin/exchanges/{exchange.id}" in mail.get_body(("plain",)).get_content()


def test_an_unanswered_delegate_is_asked_again_and_one_who_declined_gets_no_reminder(office, smtp):
    meeting = make_meeting(
        make_partner("Bergen", timezone="Europe/Oslo"), start_date=date(2030, 3, 12)
    )
    meetings.add_delegate(meeting, name="Silent", email="silent@example.org", language="en")
    no = meetings.add_delegate(meeting, name="Declined", email="declined@example.org")
    invite_delegates(meeting)
    no.reply = REPLY_DECLINED
    db.session.commit()
    sweep(meeting.starts_at - timedelta(days=21))
    [ask] = [m for m in smtp.to("silent@example.org") if "Will you attend" in m["Subject"]]
    body = ask.get_body(("plain",)).get_content()
    assert "/meetings/replies/" in body and "Bergen" in body
    assert f"UID:{meeting_calevent(meeting).uid}" in ics_of(ask)
    sweep(meeting.starts_at - timedelta(days=14))
    rules = db.session.execute(
        sa.select(Reminder.rule, Reminder.recipient).order_by(Reminder.id)
    ).all()
    assert ("meeting", "declined@example.org") not in rules
    assert {("meeting", "silent@example.org"), ("meeting", "office@example.org")} <= set(rules)
