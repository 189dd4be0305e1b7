"""Meetings: series with their host rotation and changed occurrences, one-off meetings, delegates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 08:20:27.647139

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_sv', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('description_sv', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('freq', sa.String(length=10), nullable=False),
    sa.Column('interval', sa.Integer(), nullable=False),
    sa.Column('first_date', sa.Date(), nullable=False),
    sa.Column('until_date', sa.Date(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('in_host_timezone', sa.Boolean(), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("freq IN ('years', 'months')", name=op.f('ck_meeting_series_freq_known')),
    sa.CheckConstraint("timezone <> ''", name=op.f('ck_meeting_series_timezone_not_empty')),
    sa.CheckConstraint("title_sv <> '' OR title_en <> ''", name=op.f('ck_meeting_series_has_title')),
    sa.CheckConstraint('"count" IS NULL OR "count" >= 1', name=op.f('ck_meeting_series_count_positive')),
    sa.CheckConstraint('"interval" >= 1', name=op.f('ck_meeting_series_interval_positive')),
    sa.CheckConstraint('duration_minutes > 0 AND duration_minutes <= 43200', name=op.f('ck_meeting_series_duration')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_meeting_series_sequence')),
    sa.CheckConstraint('until_date IS NULL OR "count" IS NULL', name=op.f('ck_meeting_series_until_or_count')),
    sa.CheckConstraint('until_date IS NULL OR until_date >= first_date', name=op.f('ck_meeting_series_until_after')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series'))
    )
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_sv', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("timezone <> ''", name=op.f('ck_meeting_timezone_not_empty')),
    sa.CheckConstraint("title_sv <> '' OR title_en <> ''", name=op.f('ck_meeting_has_title')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meeting_ends_after_start')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_meeting_sequence')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_meeting_partner_id_partner'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(op.f('ix_meeting_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(op.f('ix_meeting_starts_at'), ['starts_at'], unique=False)

    op.create_table('meeting_occurrence_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('original_start', sa.DateTime(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('new_date', sa.Date(), nullable=True),
    sa.Column('new_time', sa.Time(), nullable=True),
    sa.Column('new_timezone', sa.String(length=64), nullable=True),
    sa.Column('venue', sa.String(length=300), nullable=True),
    sa.Column('host_id', sa.Integer(), nullable=True),
    sa.Column('swap_with', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('swap_reason', sa.String(length=500), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('NOT (cancelled AND skipped)', name=op.f('ck_meeting_occurrence_change_cancelled_or_skipped')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_meeting_occurrence_change_sequence')),
    sa.CheckConstraint('swap_with IS NULL OR swap_with <> original_start', name=op.f('ck_meeting_occurrence_change_swap_other')),
    sa.ForeignKeyConstraint(['host_id'], ['partner.id'], name=op.f('fk_meeting_occurrence_change_host_id_partner'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meeting_occurrence_change_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_occurrence_change')),
    sa.UniqueConstraint('series_id', 'original_start', name=op.f('uq_meeting_occurrence_change_series_id_original_start'))
    )
    with op.batch_alter_table('meeting_occurrence_change', schema=None) as batch_op:
        batch_op.create_index(op.f('ix_meeting_occurrence_change_host_id'), ['host_id'], unique=False)

    op.create_table('meeting_series_host',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('"position" >= 0', name=op.f('ck_meeting_series_host_position')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_meeting_series_host_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meeting_series_host_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', 'position', name=op.f('pk_meeting_series_host')),
    sa.UniqueConstraint('series_id', 'partner_id', name=op.f('uq_meeting_series_host_series_id_partner_id'))
    )
    with op.batch_alter_table('meeting_series_host', schema=None) as batch_op:
        batch_op.create_index(op.f('ix_meeting_series_host_partner_id'), ['partner_id'], unique=False)

    op.create_table('meeting_delegate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.CheckConstraint("email <> ''", name=op.f('ck_meeting_delegate_email_not_empty')),
    sa.CheckConstraint("language IN ('sv', 'en')", name=op.f('ck_meeting_delegate_language_known')),
    sa.CheckConstraint("name <> ''", name=op.f('ck_meeting_delegate_name_not_empty')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_delegate_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_delegate')),
    sa.UniqueConstraint('meeting_id', 'email', name=op.f('uq_meeting_delegate_meeting_id_email'))
    )


def downgrade():
    op.drop_table('meeting_delegate')
    with op.batch_alter_table('meeting_series_host', schema=None) as batch_op:
        batch_op.drop_index(op.f('ix_meeting_series_host_partner_id'))

    op.drop_table('meeting_series_host')
    with op.batch_alter_table('meeting_occurrence_change', schema=None) as batch_op:
        batch_op.drop_index(op.f('ix_meeting_occurrence_change_host_id'))

    op.drop_table('meeting_occurrence_change')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(op.f('ix_meeting_starts_at'))
        batch_op.drop_index(op.f('ix_meeting_partner_id'))

    op.drop_table('meeting')
    op.drop_table('meeting_series')
