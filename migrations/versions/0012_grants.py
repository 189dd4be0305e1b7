"""Grants and their dated obligations.

Two new tables: funding_grant (a programme's grant for a partner or a project, its
amount in an ISO 4217 currency) and grant_obligation (application, interim report, final
report, payment: due on a day, done or not). New tables only: nothing that other tables
refer to is rebuilt on SQLite.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-15 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('funding_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('sequence', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint("programme <> ''", name=op.f('ck_funding_grant_programme_not_empty')),
    sa.CheckConstraint("title <> ''", name=op.f('ck_funding_grant_title_not_empty')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_funding_grant_amount_not_negative')),
    sa.CheckConstraint('length(currency) = 3 AND currency = upper(currency)', name=op.f('ck_funding_grant_currency_code')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_funding_grant_sequence_not_negative')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_funding_grant_partner_id_partner'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_funding_grant_project_id_project'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_grant'))
    )
    op.create_index(op.f('ix_funding_grant_partner_id'), 'funding_grant', ['partner_id'], unique=False)
    op.create_index(op.f('ix_funding_grant_project_id'), 'funding_grant', ['project_id'], unique=False)
    op.create_table('grant_obligation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('sequence', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint("kind IN ('application', 'interim_report', 'final_report', 'payment')", name=op.f('ck_grant_obligation_kind_known')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_grant_obligation_sequence_not_negative')),
    sa.ForeignKeyConstraint(['grant_id'], ['funding_grant.id'], name=op.f('fk_grant_obligation_grant_id_funding_grant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_obligation'))
    )
    op.create_index(op.f('ix_grant_obligation_due_on'), 'grant_obligation', ['due_on'], unique=False)
    op.create_index(op.f('ix_grant_obligation_grant_id'), 'grant_obligation', ['grant_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_grant_obligation_grant_id'), table_name='grant_obligation')
    op.drop_index(op.f('ix_grant_obligation_due_on'), table_name='grant_obligation')
    op.drop_table('grant_obligation')
    op.drop_index(op.f('ix_funding_grant_project_id'), table_name='funding_grant')
    op.drop_index(op.f('ix_funding_grant_partner_id'), table_name='funding_grant')
    op.drop_table('funding_grant')
