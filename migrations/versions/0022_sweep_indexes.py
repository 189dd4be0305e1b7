"""Indexes for the reminder sweep, so that what it reads grows with what is due.

The sweep asks every minute for the longest renewal-decision lead of any agreement
(MAX over an unindexed column read the whole agreement table) and for open exchanges
whose sign-up closes, or which start, within a window (SQLite took the status index and
read every open or closed exchange there has been). Indexes only: nothing is rebuilt.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 03:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_decision_lead_days'), ['decision_lead_days'], unique=False)

    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.create_index('ix_exchange_status_signup_closes_at', ['status', 'signup_closes_at'], unique=False)
        batch_op.create_index('ix_exchange_status_starts_on', ['status', 'starts_on'], unique=False)


def downgrade():
    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.drop_index('ix_exchange_status_starts_on')
        batch_op.drop_index('ix_exchange_status_signup_closes_at')

    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_decision_lead_days'))
