"""Series on a weekday of the month ("the second Tuesday of June every other year").

Two nullable columns on meeting_series: by_weekday (0 = Monday .. 6 = Sunday) and
by_setpos (1..4, or -1 for the last). Other tables refer to meeting_series, so SQLite
gets a plain ADD COLUMN, not a rebuild (its CHECK is then only in new databases, and
the service checks the same); PostgreSQL gets the constraint too.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

WEEKDAY_RULE = (
    "(by_weekday IS NULL AND by_setpos IS NULL) OR "
    "(by_weekday BETWEEN 0 AND 6 AND by_setpos IN (1, 2, 3, 4, -1))"
)


def upgrade():
    op.add_column('meeting_series', sa.Column('by_weekday', sa.Integer(), nullable=True))
    op.add_column('meeting_series', sa.Column('by_setpos', sa.Integer(), nullable=True))
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':
        op.create_check_constraint(
            op.f('ck_meeting_series_weekday_rule'), 'meeting_series', WEEKDAY_RULE
        )


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':
        op.drop_constraint(op.f('ck_meeting_series_weekday_rule'), 'meeting_series', type_='check')
    # SQLite (3.35+) drops a column that no index or constraint names without a rebuild.
    op.drop_column('meeting_series', 'by_setpos')
    op.drop_column('meeting_series', 'by_weekday')
