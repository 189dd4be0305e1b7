"""Indexes for the reminder sweep.

The sweep asks every minute for exchanges whose sign-up closes or which start within a
window, and for waiting-list offers whose deadline falls within one; these columns had
no index, so each query read the whole table. Indexes only: nothing is rebuilt.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_signup_closes_at'), ['signup_closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_starts_on'), ['starts_on'], unique=False)

    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signup_offer_expires_at'), ['offer_expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signup_offer_expires_at'))

    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_starts_on'))
        batch_op.drop_index(batch_op.f('ix_exchange_signup_closes_at'))
