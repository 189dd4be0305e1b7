"""Each test starts from an empty database whose ids restart at 1, and an unchanged app."""

import sqlalchemy as sa

from app.extensions import db
from app.partners.models import Partner
from tests.factories import make_partner


def test_a_test_leaves_rows_moves_the_ids_and_changes_the_configuration(app):
    make_partner("Left behind")
    db.session.add(Partner(name="Rolled back", slug="rolled-back", kind="partner_city"))
    db.session.flush()
    db.session.rollback()  # the id it took stays taken on PostgreSQL
    app.config["MAIL_FROM"] = "changed@example.org"


def test_the_next_test_finds_no_rows_ids_from_one_and_the_configuration_as_it_was(app):
    assert db.session.scalar(sa.select(sa.func.count(Partner.id))) == 0
    assert make_partner("First").id == 1
    assert app.config["MAIL_FROM"] == "planner@example.org"
