"""Agenda and documents per occurrence of a series.

Two new tables keyed like an occurrence's delegates (series_id and the occurrence's
original start): meeting_occurrence_detail (its agenda and whether the agenda is public)
and meeting_occurrence_document (PDFs stored under instance/meetings/). New tables only:
nothing that other tables refer to is rebuilt on SQLite.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_occurrence_detail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('original_start', sa.DateTime(), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('agenda_public', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meeting_occurrence_detail_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_occurrence_detail')),
    sa.UniqueConstraint('series_id', 'original_start', name=op.f('uq_meeting_occurrence_detail_series_id_original_start'))
    )
    op.create_table('meeting_occurrence_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('original_start', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('file', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("file <> ''", name=op.f('ck_meeting_occurrence_document_file_not_empty')),
    sa.CheckConstraint("name <> ''", name=op.f('ck_meeting_occurrence_document_name_not_empty')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_meeting_occurrence_document_size_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['coordinator.id'], name=op.f('fk_meeting_occurrence_document_created_by_id_coordinator'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meeting_occurrence_document_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_occurrence_document')),
    sa.UniqueConstraint('file', name=op.f('uq_meeting_occurrence_document_file'))
    )
    op.create_index('ix_meeting_occurrence_document_created_by_id', 'meeting_occurrence_document', ['created_by_id'], unique=False)
    op.create_index('ix_meeting_occurrence_document_occurrence', 'meeting_occurrence_document', ['series_id', 'original_start'], unique=False)


def downgrade():
    # The rows go; their files stay under instance/meetings/ (records are not deleted here).
    op.drop_index('ix_meeting_occurrence_document_occurrence', table_name='meeting_occurrence_document')
    op.drop_index('ix_meeting_occurrence_document_created_by_id', table_name='meeting_occurrence_document')
    op.drop_table('meeting_occurrence_document')
    op.drop_table('meeting_occurrence_detail')
