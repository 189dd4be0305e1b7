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
    # No batch mode: on SQLite it rebuilds `meeting`, and dropping the old table would
    # cascade to the delegates. SQLite adds a column with its CHECK in place.
    op.add_column('meeting', sa.Column('cancelled_at', sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            "ALTER TABLE meeting ADD COLUMN cancel_reason VARCHAR(500) DEFAULT '' NOT NULL "
            "CONSTRAINT ck_meeting_cancelled_with_reason "
            "CHECK (cancelled_at IS NULL OR cancel_reason <> '')"
        )
    else:
        op.add_column('meeting', sa.Column('cancel_reason', sa.String(length=500), server_default='', nullable=False))
        op.create_check_constraint(
            op.f('ck_meeting_cancelled_with_reason'), 'meeting', "cancelled_at IS NULL OR cancel_reason <> ''"
        )
    op.add_column('meeting_delegate', sa.Column('invited_sequence', sa.Integer(), nullable=True))

    # Delegates invited before this revision: the outbox holds their invitations.
    op.execute(
        "UPDATE meeting_delegate SET invited_sequence = "
        "(SELECT m.sequence FROM meeting m WHERE m.id = meeting_delegate.meeting_id) "
        "WHERE EXISTS (SELECT 1 FROM outbox_mail o WHERE o.dedup_key LIKE "
        "'meeting-invitation:' || CAST(meeting_delegate.meeting_id AS VARCHAR) || ':' "
        "|| CAST(meeting_delegate.id AS VARCHAR) || ':%')"
    )


def downgrade():
    op.drop_column('meeting_delegate', 'invited_sequence')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_meeting_cancelled_with_reason'), 'meeting', type_='check')
    op.drop_column('meeting', 'cancel_reason')  # on SQLite, with its own CHECK
    op.drop_column('meeting', 'cancelled_at')
