"""Exchanges: an iCalendar sequence per exchange, raised when a change matters to schools.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('sequence', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.create_check_constraint(
            op.f('ck_exchange_sequence_not_negative'), 'sequence >= 0'
        )


def downgrade():
    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_exchange_sequence_not_negative'), type_='check')
        batch_op.drop_column('sequence')
