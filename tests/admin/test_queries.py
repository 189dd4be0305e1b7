"""The busiest workspace pages run as many statements with more data as with less."""

from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa

from app.agreements import services as agreements
from app.demo import seed
from app.extensions import db
from app.partners import services as partners
from tests.agreements.factories import make_agreement
from tests.factories import make_partner

PAGES = [
    "/admin/",
    "/admin/agreements/",
    "/admin/agreements/timeline",
    "/admin/agreements/export.csv",
    "/admin/partners/",
    "/admin/audit/",
    "/partners/shanghai",
]


@contextmanager
def counting():
    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def statements_for(client, url):
    with counting() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", PAGES)
def test_statements_do_not_grow_with_the_number_of_agreements(logged_in, url):
    seed("goteborg")
    db.session.commit()
    statements_for(logged_in, url)  # warm up: the session's first queries
    before = statements_for(logged_in, url)
    for n in range(5):
        partner = make_partner(f"Extra {n}")
        partners.add_project(partner, title_sv="P", title_en="P", starts_year=2001)
        first = make_agreement(partner, starts_on=date(2015, 1, 1))
        agreements.renew(first, signed_on=date(2017, 6, 1))
    shanghai = db.session.scalar(
        sa.select(agreements.Agreement)
        .join(agreements.Agreement.partner)
        .where(partners.Partner.slug == "shanghai")
        .order_by(agreements.Agreement.starts_on.desc())
    )
    agreements.renew(shanghai)
    db.session.commit()
    statements_for(
        logged_in, url
    )  # the first request after a change rebuilds what is kept by data version
    assert statements_for(logged_in, url) == before
