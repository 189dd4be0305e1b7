"""Any sequence of sign-ups, changes, cancellations and lapsed offers keeps the rules."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.exchanges import models as m
from app.exchanges import services
from app.exchanges.errors import ExchangeError
from app.extensions import db
from app.timeutil import utcnow
from tests.exchanges.factories import make_exchange, request_for

operations = st.lists(
    st.one_of(
        st.tuples(st.just("sign_up"), st.integers(1, 6)),
        st.tuples(st.just("cancel"), st.integers(0, 30)),
        st.tuples(st.just("change"), st.integers(0, 30), st.integers(1, 6)),
        st.tuples(st.just("accept"), st.integers(0, 30)),
        st.tuples(st.just("expire"), st.integers(0, 1)),
    ),
    min_size=1,
    max_size=25,
)


def _check_rules(exchange_id: int, places: int) -> None:
    signups = db.session.scalars(
        db.select(m.Signup).where(m.Signup.exchange_id == exchange_id)
    ).all()
    held = sum(s.pupils for s in signups if s.status in m.HOLDING)
    assert held <= places
    left = places - held
    waiting = [s for s in signups if s.status == m.WAITLISTED]
    # Rule 3: free places never sit idle while a waiting group would fit in them.
    assert all(s.pupils > left for s in waiting)
    assert all(s.offer_expires_at is not None for s in signups if s.status == m.OFFERED)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_any_sequence_of_changes_keeps_the_places_and_the_queue_rule(app, ops):
    places = 10
    exchange = make_exchange(places=places)
    exchange_id = exchange.id
    clock = utcnow()
    for op in ops:
        ids = db.session.scalars(
            db.select(m.Signup.id).where(m.Signup.exchange_id == exchange_id).order_by(m.Signup.id)
        ).all()
        pick = (lambda i, ids=ids: db.session.get(m.Signup, ids[i % len(ids)])) if ids else None
        try:
            if op[0] == "sign_up":
                services.sign_up(exchange_id, request_for(pupils=op[1]), now=clock)
            elif op[0] == "cancel" and pick:
                services.cancel_signup(pick(op[1]), now=clock)
            elif op[0] == "change" and pick:
                services.change_group(pick(op[1]), pupils=op[2], teachers=1, now=clock)
            elif op[0] == "accept" and pick:
                services.accept_offer(pick(op[1]), now=clock)
            elif op[0] == "expire":
                clock += timedelta(hours=73 if op[1] else 1)
                services.expire_offers(clock)
            db.session.commit()
        except ExchangeError:
            db.session.rollback()
        _check_rules(exchange_id, places)
