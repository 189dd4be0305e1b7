"""The offer expiry as the scheduler and the command line run it."""

from __future__ import annotations

from datetime import timedelta

from app.exchanges import models as m
from app.exchanges import services
from app.exchanges.cli import sweep_offers
from app.extensions import db
from app.timeutil import utcnow
from tests.exchanges.factories import make_exchange, make_signup
from tests.factories import discard_committed_mail


def _offer_to_second_group() -> tuple[m.Signup, m.Signup]:
    exchange = make_exchange(places=4)
    leaving = make_signup(exchange, pupils=4)
    offered = make_signup(exchange, pupils=4, email="first@example.org")
    following = make_signup(exchange, pupils=3, email="next@example.org")
    services.cancel_signup(leaving)
    db.session.commit()
    discard_committed_mail()  # test data: only the sweep's mail is sent
    return offered, following


def test_the_sweep_passes_a_lapsed_offer_on_and_mails_both_groups(app, smtp):
    offered, following = _offer_to_second_group()
    assert sweep_offers(utcnow() + timedelta(hours=1)) == []
    assert sweep_offers(utcnow() + timedelta(hours=72, minutes=1)) == [offered.id]
    smtp.wait_for(2)
    (lapsed,) = smtp.to("first@example.org")
    (offer,) = smtp.to("next@example.org")
    assert lapsed["Subject"].startswith("Erbjudandet förföll")
    assert offer["Subject"].startswith("Platser erbjudna")
    assert db.session.get(m.Signup, following.id).status == m.OFFERED


def test_the_command_runs_the_sweep_as_if_at_another_moment(app, runner):
    offered, _ = _offer_to_second_group()
    later = (utcnow() + timedelta(days=4)).isoformat()
    result = runner.invoke(args=["exchanges", "expire-offers", "--now", later])
    assert result.exit_code == 0 and "1 offers lapsed." in result.output
    assert db.session.get(m.Signup, offered.id).status == m.EXPIRED
    again = runner.invoke(args=["exchanges", "expire-offers", "--now", later])
    assert "0 offers lapsed." in again.output


def test_the_command_refuses_a_moment_without_an_offset(app, runner):
    result = runner.invoke(args=["exchanges", "expire-offers", "--now", "2031-05-04T10:00"])
    assert result.exit_code != 0 and "offset" in result.output
