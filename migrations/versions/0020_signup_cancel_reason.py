"""A sign-up remembers that the office cancelled it, and why.

signup gains cancelled_by_office, cancel_reason and cancel_reason_en, so that the
school's link page, on a later visit, says the international office cancelled the
sign-up and gives the reason in the school's language. Added columns only: nothing is
rebuilt on SQLite.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'signup',
        sa.Column('cancelled_by_office', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    for column in ('cancel_reason', 'cancel_reason_en'):
        op.add_column(
            'signup',
            sa.Column(column, sa.String(length=2000), server_default='', nullable=False),
        )


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): no batch rebuild of `signup`.
    for column in ('cancel_reason_en', 'cancel_reason', 'cancelled_by_office'):
        op.execute(f'ALTER TABLE signup DROP COLUMN {column}')
