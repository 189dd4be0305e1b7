"""Agreements: partner-city agreements and memoranda, linked into renewal chains.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('signatories', sa.Text(), nullable=False),
    sa.Column('decision_lead_days', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('renews_id', sa.Integer(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.Column('document_name', sa.String(length=200), nullable=False),
    sa.Column('document_file', sa.String(length=80), nullable=False),
    sa.Column('document_size', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("ended_on IS NULL OR end_reason <> ''", name=op.f('ck_agreement_end_has_reason')),
    sa.CheckConstraint("kind IN ('partner_city_agreement', 'memorandum', 'other')", name=op.f('ck_agreement_kind_known')),
    sa.CheckConstraint("title <> ''", name=op.f('ck_agreement_title_not_empty')),
    sa.CheckConstraint('decision_lead_days >= 0', name=op.f('ck_agreement_lead_not_negative')),
    sa.CheckConstraint('document_size IS NULL OR document_size >= 0', name=op.f('ck_agreement_document_size_not_negative')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_agreement_ends_after_start')),
    sa.CheckConstraint('renews_id IS NULL OR renews_id <> id', name=op.f('ck_agreement_not_self_renewal')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_agreement_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['renews_id'], ['agreement.id'], name=op.f('fk_agreement_renews_id_agreement'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('renews_id', name=op.f('uq_agreement_renews_id'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_partner_id'), ['partner_id'], unique=False)



def downgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_partner_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_ends_on'))

    op.drop_table('agreement')
