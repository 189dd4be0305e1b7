"""Sign-up, waiting list, offers and links, through the service functions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.exchanges import calendar, links, queries, reports, services
from app.exchanges import models as m
from app.exchanges.errors import ExchangeError
from app.extensions import db
from app.mail import OutboxMail
from app.timeutil import utcnow
from tests.exchanges.factories import make_exchange, make_signup, request_for
from tests.factories import make_partner


def _mails(kind: str) -> list[OutboxMail]:
    return list(
        db.session.scalars(
            sa.select(OutboxMail).where(OutboxMail.dedup_key.like(f"exchanges:{kind}:%"))
        )
    )


def test_a_group_that_fits_is_confirmed_whole(app):
    exchange = make_exchange(places=10)
    signup = make_signup(exchange, pupils=10)
    assert signup.status == m.CONFIRMED
    assert queries.places_left(exchange) == 0


def test_a_group_that_does_not_fit_waits_whole(app):
    exchange = make_exchange(places=10)
    make_signup(exchange, pupils=8)
    signup = make_signup(exchange, pupils=3)
    assert signup.status == m.WAITLISTED
    assert queries.places_left(exchange) == 2


def test_the_sign_up_mail_is_queued_in_the_school_language_with_the_exchange_as_ics(app):
    exchange = make_exchange(places=10, starts_on=date(2031, 5, 4))
    make_signup(exchange, pupils=2, language="en", keep_mail=True)
    (mail,) = _mails("signup")
    assert mail.language == "en"
    assert "Confirmed" in mail.subject
    assert "/signups/" in mail.body_text
    assert b"DTSTART;VALUE=DATE:20310504" in mail.ics
    assert b"DTEND;VALUE=DATE:20310511" in mail.ics  # six nights: the end day is exclusive


def test_the_same_school_and_address_again_is_pointed_to_its_sign_up_by_mail(app):
    exchange = make_exchange()
    first = make_signup(exchange, school="Hvitfeldtska gymnasiet", email="office@hvf.example.org")
    outcome = services.sign_up(
        exchange.id,
        request_for("  HVITFELDTSKA   Gymnasiet ", email="Office@HVF.example.org"),
    )
    db.session.commit()
    assert outcome.duplicate and outcome.signup.id == first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Signup)) == 1
    (reminder,) = _mails("reminder")
    assert reminder.to_addr == "office@hvf.example.org"


def test_a_stranger_using_a_schools_name_gets_a_sign_up_of_its_own_and_both_are_flagged(app):
    exchange = make_exchange()
    school = make_signup(exchange, school="Hvitfeldtska gymnasiet", email="office@hvf.example.org")
    outcome = services.sign_up(
        exchange.id, request_for("hvitfeldtska GYMNASIET", email="stranger@example.org")
    )
    db.session.commit()
    assert not outcome.duplicate
    assert outcome.signup.id != school.id
    assert outcome.signup.contact_email == "stranger@example.org"
    assert db.session.get(m.Signup, school.id).contact_email == "office@hvf.example.org"
    assert _mails("reminder") == []  # the school's link never goes to the stranger
    signups = queries.signups_of(exchange)
    assert queries.possible_duplicates(signups) == {school.id, outcome.signup.id}


def test_a_stranger_cannot_take_over_the_row_of_a_group_whose_offer_lapsed(app):
    exchange = make_exchange(places=4)
    leaving = make_signup(exchange, pupils=4, email="leaving@example.org")
    waiting = make_signup(
        exchange, school="Angeredsgymnasiet", pupils=4, email="office@angered.example.org"
    )
    services.cancel_signup(leaving)
    db.session.commit()
    (lapsed,) = services.expire_offers(utcnow() + timedelta(hours=73))
    db.session.commit()
    token = links.signup_token(db.session.get(m.Signup, waiting.id))
    outcome = services.sign_up(
        exchange.id, request_for("Angeredsgymnasiet", pupils=2, email="outsider@example.org")
    )
    db.session.commit()
    assert outcome.signup.id != waiting.id
    kept = db.session.get(m.Signup, waiting.id)
    assert (kept.status, kept.contact_email) == (m.EXPIRED, "office@angered.example.org")
    assert links.signup_from_token(token).id == waiting.id  # the school's link still works


def test_a_contact_address_is_stored_trimmed_and_lower_cased(app):
    exchange = make_exchange()
    outcome = services.sign_up(exchange.id, request_for(email="  Anna.Berg@Skola.Example.ORG "))
    assert outcome.signup.contact_email == "anna.berg@skola.example.org"
    assert outcome.signup.school.contact_email == "anna.berg@skola.example.org"


@pytest.mark.parametrize("address", ["not an address", "anna@", "anna@skola..example.org"])
def test_a_sign_up_with_an_address_that_is_not_one_is_refused_on_its_field(app, address):
    exchange = make_exchange()
    with pytest.raises(ExchangeError) as err:
        services.sign_up(exchange.id, request_for(email=address))
    assert (err.value.code, err.value.field) == ("contact_email", "contact_email")
    assert err.value.message == "Ange en e-postadress som namn@skola.example.org."
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Signup)) == 0


def test_the_database_refuses_a_second_live_sign_up_of_one_school_and_address(app):
    exchange = make_exchange()
    first = make_signup(exchange)
    db.session.add(
        m.Signup(
            exchange_id=exchange.id,
            school_id=first.school_id,
            contact_name="X",
            contact_email=first.contact_email,
            pupils=1,
            teachers=1,
            status=m.WAITLISTED,
            token_nonce="x",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_school_that_cancelled_can_sign_up_again(app):
    exchange = make_exchange()
    signup = make_signup(exchange, school="Kulturskolan")
    services.cancel_signup(signup)
    db.session.commit()
    outcome = services.sign_up(exchange.id, request_for("Kulturskolan"))
    db.session.commit()
    assert not outcome.duplicate
    assert outcome.signup.status == m.CONFIRMED


def test_cancelling_offers_the_places_to_the_first_waiting_group_that_fits(app):
    exchange = make_exchange(places=10)
    leaving = make_signup(exchange, pupils=4)
    make_signup(exchange, pupils=6)
    too_big = make_signup(exchange, pupils=5)
    fitting = make_signup(exchange, pupils=3)
    services.cancel_signup(leaving)
    db.session.commit()
    assert db.session.get(m.Signup, too_big.id).status == m.WAITLISTED
    offered = db.session.get(m.Signup, fitting.id)
    assert offered.status == m.OFFERED
    assert offered.offer_expires_at - utcnow() == pytest.approx(
        timedelta(hours=72), abs=timedelta(minutes=1)
    )
    assert [mail.to_addr for mail in _mails("offer")] == [offered.contact_email]


def test_an_unanswered_offer_passes_to_the_next_group_after_its_deadline(app):
    exchange = make_exchange(places=10)
    leaving = make_signup(exchange, pupils=4)
    make_signup(exchange, pupils=6)
    first = make_signup(exchange, pupils=3)
    second = make_signup(exchange, pupils=4)
    services.cancel_signup(leaving)
    db.session.commit()
    assert db.session.get(m.Signup, first.id).status == m.OFFERED

    assert services.expire_offers(utcnow() + timedelta(hours=71)) == []
    db.session.commit()
    lapsed = services.expire_offers(utcnow() + timedelta(hours=73))
    db.session.commit()
    assert [s.id for s in lapsed] == [first.id]
    assert db.session.get(m.Signup, first.id).status == m.EXPIRED
    assert db.session.get(m.Signup, second.id).status == m.OFFERED
    assert len(_mails("lapsed")) == 1
    assert [mail.to_addr for mail in _mails("offer")][-1] == second.contact_email


def test_running_the_expiry_twice_changes_and_sends_nothing_more(app):
    exchange = make_exchange(places=4)
    leaving = make_signup(exchange, pupils=4)
    make_signup(exchange, pupils=4)
    services.cancel_signup(leaving)
    db.session.commit()
    later = utcnow() + timedelta(hours=80)
    assert len(services.expire_offers(later)) == 1
    db.session.commit()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))
    assert services.expire_offers(later) == []
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == count


def test_an_offer_is_accepted_before_its_deadline_but_not_after(app):
    exchange = make_exchange(places=4)
    leaving = make_signup(exchange, pupils=4)
    waiting = make_signup(exchange, pupils=2)
    late = make_signup(exchange, pupils=2)
    services.cancel_signup(leaving)
    db.session.commit()
    assert services.accept_offer(db.session.get(m.Signup, waiting.id)).status == m.CONFIRMED
    db.session.commit()
    with pytest.raises(ExchangeError) as err:
        services.accept_offer(db.session.get(m.Signup, late.id), now=utcnow() + timedelta(days=4))
    assert err.value.code == "offer_lapsed"


def test_a_group_that_let_its_offer_lapse_can_rejoin_at_the_end_of_the_queue(app):
    exchange = make_exchange(places=4)
    leaving = make_signup(exchange, pupils=4)
    make_signup(exchange, pupils=4)
    services.cancel_signup(leaving)
    db.session.commit()
    (lapsed,) = services.expire_offers(utcnow() + timedelta(hours=80))
    db.session.commit()
    make_signup(exchange, pupils=3)
    earlier = make_signup(exchange, pupils=2)
    back = services.rejoin_waiting_list(db.session.get(m.Signup, lapsed.id))
    db.session.commit()
    assert back.status == m.WAITLISTED
    assert [s.id for s in queries.waiting_list(exchange)] == [earlier.id, lapsed.id]


def test_a_rise_is_confirmed_only_if_it_fits(app):
    exchange = make_exchange(places=10)
    signup = make_signup(exchange, pupils=4)
    make_signup(exchange, pupils=4)
    with pytest.raises(ExchangeError) as err:
        services.change_group(signup, pupils=7, teachers=1)
    assert err.value.code == "no_room" and err.value.params["left"] == 2
    db.session.rollback()
    services.change_group(db.session.get(m.Signup, signup.id), pupils=6, teachers=2)
    db.session.commit()
    assert db.session.get(m.Signup, signup.id).pupils == 6


def test_a_smaller_group_frees_places_for_the_waiting_list(app):
    exchange = make_exchange(places=10)
    signup = make_signup(exchange, pupils=8)
    waiting = make_signup(exchange, pupils=3)
    services.change_group(signup, pupils=5, teachers=1)
    db.session.commit()
    assert db.session.get(m.Signup, waiting.id).status == m.OFFERED


def test_more_places_are_offered_to_the_waiting_list(app):
    exchange = make_exchange(places=4)
    make_signup(exchange, pupils=4)
    waiting = make_signup(exchange, pupils=3)
    offered = services.change_exchange(exchange, places=7).offered
    db.session.commit()
    assert [s.id for s in offered] == [waiting.id]


def test_places_cannot_drop_below_the_pupils_holding_places(app):
    exchange = make_exchange(places=10)
    make_signup(exchange, pupils=6)
    with pytest.raises(ExchangeError) as err:
        services.change_exchange(exchange, places=5)
    assert err.value.code == "places_below_held"
    db.session.rollback()
    assert db.session.get(m.Exchange, exchange.id).places == 10


def test_a_coordinator_moves_a_group_to_another_exchange(app):
    partner = make_partner("Lyon")
    source = make_exchange(partner, places=10)
    target = make_exchange(partner, places=10)
    signup = make_signup(source, pupils=4)
    waiting = make_signup(source, pupils=8)
    moved = services.move_group(signup, target)
    db.session.commit()
    assert moved.exchange_id == target.id and moved.status == m.CONFIRMED
    assert db.session.get(m.Signup, waiting.id).status == m.OFFERED


def test_a_link_is_refused_when_altered_revoked_or_out_of_date(app):
    exchange = make_exchange(places=10)
    signup = make_signup(exchange)
    token = links.signup_token(signup)
    assert links.signup_from_token(token).id == signup.id
    with pytest.raises(ExchangeError, match="bad_link"):
        links.signup_from_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(ExchangeError, match="link_expired"):
        links.signup_from_token(token, now=utcnow() + timedelta(days=400))
    services.cancel_signup(signup)
    db.session.commit()
    with pytest.raises(ExchangeError, match="link_revoked"):
        links.signup_from_token(token)


def test_exchanges_are_all_day_calendar_events_with_an_exclusive_end(app):
    exchange = make_exchange(starts_on=date(2031, 5, 4), ends_on=date(2031, 5, 4))
    draft = make_exchange(status=m.DRAFT)
    events = calendar.exchange_events([exchange, draft])
    assert [(e.start, e.end) for e in events] == [(date(2031, 5, 4), date(2031, 5, 5))]


def test_open_exchanges_leave_out_drafts_and_closed_windows(app):
    now = utcnow()
    open_one = make_exchange()
    make_exchange(status=m.DRAFT)
    make_exchange(signup_opens_at=now - timedelta(days=9), signup_closes_at=now - timedelta(days=1))
    assert [e.id for e in queries.open_exchanges(now)] == [open_one.id]


def test_reciprocity_counts_pupils_sent_and_received_per_partner_and_year(app):
    partner = make_partner("Århus")
    out = make_exchange(partner, starts_on=date(2031, 3, 1), direction=m.WE_TRAVEL)
    make_exchange(partner, starts_on=date(2031, 9, 1), direction=m.THEY_VISIT, incoming_pupils=12)
    make_signup(out, pupils=4)
    make_signup(out, pupils=3)
    ((found, rows),) = reports.reciprocity()
    assert found.id == partner.id
    assert [(r.year, r.sent, r.received) for r in rows] == [(2031, 7, 12)]


def test_cancelling_the_exchange_tells_every_group_with_a_cancelled_calendar_entry(app):
    exchange = make_exchange(places=4)
    make_signup(exchange, pupils=4, email="confirmed@example.org")
    make_signup(exchange, pupils=3, email="waiting@example.org")
    services.change_exchange(exchange, status=m.CANCELLED)
    db.session.commit()
    mails = _mails("exchange_cancelled")
    assert sorted(mail.to_addr for mail in mails) == [
        "confirmed@example.org",
        "waiting@example.org",
    ]
    assert all(b"STATUS:CANCELLED" in mail.ics for mail in mails)
