"""Revision 0005 knows which delegates were invited before it, from the outbox."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401 (a fixture)

NOW = "2026-11-01 10:00:00"


def test_delegates_invited_before_the_upgrade_count_as_invited(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(
        {"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO partner (id, slug, kind, name, other_names, region_sv, region_en,"
                    " since_approximate, funding, description_sv, description_en, membership_sv,"
                    " membership_en, created_at, updated_at) VALUES (1, 'lyon', 'partner_city',"
                    " 'Lyon', '', '', '', false, '', '', '', '', '', :now, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO meeting (id, title_sv, title_en, partner_id, venue, agenda,"
                    " timezone, starts_at, ends_at, published, sequence, created_at, updated_at)"
                    " VALUES (7, 'Möte', 'Meeting', 1, '', '', 'Europe/Paris',"
                    " '2030-01-01 09:00:00', '2030-01-01 10:00:00', true, 2, :now, :now)"
                ),
                {"now": NOW},
            )
            for delegate_id, email in ((3, "a@example.org"), (4, "b@example.org")):
                conn.execute(
                    sa.text(
                        "INSERT INTO meeting_delegate (id, meeting_id, name, role, organisation,"
                        " city, email, language) VALUES (:id, 7, 'N', '', '', '', :email, 'sv')"
                    ),
                    {"id": delegate_id, "email": email},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO outbox_mail (dedup_key, to_addr, subject, body_text, language,"
                    " status, attempts, next_attempt_at, created_at) VALUES"
                    " ('meeting-invitation:7:3:1', 'a@example.org', 'S', 'T', 'sv', 'sent', 1,"
                    " :now, :now)"
                ),
                {"now": NOW},
            )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id, invited_sequence FROM meeting_delegate ORDER BY id")
            ).all()
        downgrade(revision="0004")
        with db.engine.connect() as conn:
            left = conn.execute(sa.text("SELECT count(*) FROM meeting_delegate")).scalar()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(3, 2), (4, None)]
    assert left == 2  # and back down, nothing lost
