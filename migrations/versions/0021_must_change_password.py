"""An account given a new password by an administrator may have to choose its own.

coordinator gains must_change_password: set when an administrator sets a temporary
password and asks for it, cleared when the account changes its password; while it is
set, the workspace sends the account to the password page. An added column only:
nothing is rebuilt on SQLite.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'coordinator',
        sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): no batch rebuild of `coordinator`.
    op.execute('ALTER TABLE coordinator DROP COLUMN must_change_password')
