"""Demo exchanges: open ones with Århus and Lyon, one nearly full, all in the future."""

from __future__ import annotations

import sqlalchemy as sa

from app.exchanges import models as m
from app.exchanges import queries, reports
from app.extensions import db
from app.timeutil import utcnow


def test_goteborg_demo_has_open_exchanges_with_aarhus_and_lyon_one_nearly_full(runner, app):
    assert runner.invoke(args=["seed-demo", "--city", "goteborg"]).exit_code == 0
    open_now = queries.open_exchanges(utcnow())
    by_partner = {e.partner.slug: e for e in open_now}
    assert {"aarhus", "lyon"} <= by_partner.keys()
    left = queries.places_left_for(open_now)
    assert min(left[e.id] / e.places for e in open_now) <= 0.2
    assert all(e.starts_on > utcnow().date() for e in open_now)
    assert reports.reciprocity()


def test_molndal_demo_has_an_exchange_with_a_twin_town(runner, app):
    assert runner.invoke(args=["seed-demo", "--city", "molndal"]).exit_code == 0
    slugs = set(db.session.scalars(sa.select(m.Exchange).where(m.Exchange.status == m.OPEN)))
    assert {e.partner.slug for e in slugs} >= {"albertslund"}
