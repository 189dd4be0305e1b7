"""Reminders and the scheduler's lease.

New tables: scheduler_lease (which scheduler process is active, until when), reminder
(every reminder queued or recorded as missed, under a unique key of rule, object,
original start, recipient and offset) and reminder_rule (a coordinator's changes to a
rule's offsets). outbox_mail gains failing_since (when the attempts still failing
began), for the mail alarm. New tables and one added column: nothing that other tables
refer to is rebuilt on SQLite.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 18:25:28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduler_lease',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('acquired_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_lease'))
    )
    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('object_key', sa.String(length=120), nullable=False),
    sa.Column('original_start', sa.DateTime(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('offset_minutes', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('event_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('mail_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'missed')", name=op.f('ck_reminder_status_known')),
    sa.CheckConstraint('offset_minutes >= 0', name=op.f('ck_reminder_offset_not_negative')),
    sa.ForeignKeyConstraint(['mail_id'], ['outbox_mail.id'], name=op.f('fk_reminder_mail_id_outbox_mail'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('key', name=op.f('uq_reminder_key'))
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_mail_id'), ['mail_id'], unique=False)
        batch_op.create_index('ix_reminder_object', ['rule', 'object_key'], unique=False)

    op.create_table('reminder_rule',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('offsets', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['coordinator.id'], name=op.f('fk_reminder_rule_updated_by_id_coordinator'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_reminder_rule'))
    )
    op.add_column('outbox_mail', sa.Column('failing_since', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_column('failing_since')

    op.drop_table('reminder_rule')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_object')
        batch_op.drop_index(batch_op.f('ix_reminder_mail_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_created_at'))

    op.drop_table('reminder')
    op.drop_table('scheduler_lease')
