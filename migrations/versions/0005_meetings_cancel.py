"""Meetings: one-off meetings can be cancelled (with a reason); delegates remember the
version of the meeting they were last invited to.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=500), server_default='', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_meeting_cancelled_with_reason'), "cancelled_at IS NULL OR cancel_reason <> ''"
        )

    with op.batch_alter_table('meeting_delegate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited_sequence', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting_delegate', schema=None) as batch_op:
        batch_op.drop_column('invited_sequence')

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meeting_cancelled_with_reason'), type_='check')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')
