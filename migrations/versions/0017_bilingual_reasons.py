"""Reasons in both languages.

The reasons for a moved, cancelled or skipped meeting of a series, for a swap of hosts
and for a cancelled one-off meeting get English companions (reason_en, swap_reason_en,
cancel_reason_en); the public pages and feeds show the reader's language and fall back
to the other. Added columns only: nothing that other tables refer to is rebuilt on
SQLite (meeting is referred to by its delegates).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-20 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

COLUMNS = (
    ('meeting_occurrence_change', 'reason_en'),
    ('meeting_occurrence_change', 'swap_reason_en'),
    ('meeting', 'cancel_reason_en'),
)


def upgrade():
    for table, column in COLUMNS:
        op.add_column(
            table,
            sa.Column(column, sa.String(length=500), server_default='', nullable=False),
        )


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): no batch rebuild of `meeting`.
    for table, column in reversed(COLUMNS):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
