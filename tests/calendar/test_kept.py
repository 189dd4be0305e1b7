"""`version.kept`: values made from what the data version counts, kept until it moves."""

from __future__ import annotations

from app.calendar import version
from app.extensions import db
from tests.factories import make_partner


def test_a_kept_value_is_built_again_only_after_a_committed_change(app):
    builds = []

    def build():
        builds.append(1)
        return len(builds)

    with app.app_context():
        assert version.kept("test", "k", build) == 1
        assert version.kept("test", "k", build) == 1  # kept
        assert version.kept("test", "other key", build) == 2

        partner = make_partner("Lyon")  # committed
        assert version.kept("test", "k", build) == 3
        partner.name = "Lyon (Métropole)"
        db.session.flush()
        # This session's own change is not yet counted: it builds afresh, keeps nothing.
        assert version.kept("test", "k", build) == 4
        db.session.rollback()
        assert version.kept("test", "k", build) == 3  # rolled back: nothing moved
        partner.name = "Lyon (Métropole)"
        db.session.commit()
        assert version.kept("test", "k", build) == 5  # committed: the version moved
        assert version.kept("test", "k", build) == 5
