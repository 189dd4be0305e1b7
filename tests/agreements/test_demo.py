"""The demo agreements: Shanghai's chain since 1986 stays valid whenever it is seeded."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.agreements import services
from app.agreements.models import MEMORANDUM, RENEWED, Agreement
from app.demo import seed
from app.demo.agreements import seed_demo
from app.extensions import db
from app.partners.models import Partner


def shanghai_memoranda():
    return db.session.scalars(
        sa.select(Agreement)
        .join(Agreement.partner)
        .where(Partner.slug == "shanghai", Agreement.kind == MEMORANDUM)
        .order_by(Agreement.starts_on)
    ).all()


def test_the_shanghai_chain_runs_in_unbroken_three_year_terms_from_1986(app):
    seed("goteborg")
    terms = shanghai_memoranda()
    assert terms[0].starts_on == date(1986, 1, 1)
    for old, new in zip(terms, terms[1:], strict=False):
        assert new.renews_id == old.id
        assert new.starts_on == old.ends_on + timedelta(days=1)


@pytest.mark.parametrize("today", [date(2026, 11, 24), date(2027, 10, 1), date(2031, 3, 5)])
def test_the_current_shanghai_term_has_its_decision_date_ahead(app, today):
    seed("goteborg")
    db.session.execute(sa.delete(Agreement).where(Agreement.renews_id.is_not(None)))
    db.session.execute(sa.delete(Agreement))
    partners = {p.slug: p for p in db.session.scalars(sa.select(Partner))}
    seed_demo("goteborg", partners, today=today)
    terms = shanghai_memoranda()
    assert terms[-1].decision_on > today
    assert all(t.status(today) == RENEWED for t in terms[:-1] if t.ends_on < today)


def test_the_demo_has_a_decision_due_within_180_days_and_an_expired_agreement(app):
    seed("goteborg")
    today = services.home_today()
    due = {a.agreement.partner.slug for a in services.decisions_due(today)}
    assert "nelson-mandela-bay" in due
    assert {a.partner.slug for a in services.expired_agreements(today)} == {"chicago"}
