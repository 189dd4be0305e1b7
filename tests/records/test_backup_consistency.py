"""The archive is one moment: a change committed while `flask backup` reads is left out whole."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.partners.models import Theme
from app.records import backup


def test_a_change_committed_while_the_backup_reads_is_not_in_the_archive(app, monkeypatch):
    db.session.add(Theme(slug="culture", name_sv="Kultur", name_en="Culture"))
    db.session.commit()
    real = backup.current_revision

    def revision_then_someone_writes(conn):
        revision = real(conn)  # the backup's transaction has read: its moment is fixed
        with db.engine.connect() as other, other.begin():
            other.execute(sa.insert(Theme).values(slug="sport", name_sv="Idrott", name_en="Sport"))
        return revision

    monkeypatch.setattr(backup, "current_revision", revision_then_someone_writes)
    archive = backup.build_archive()
    assert [row["slug"] for row in archive["tables"]["theme"]] == ["culture"]
    db.session.rollback()
    assert set(db.session.scalars(sa.select(Theme.slug))) == {"culture", "sport"}
