"""Exchanges: youth exchanges, schools and their sign-ups (one per school and exchange).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 08:21:00.581479

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('school',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('compulsory', 'upper_secondary', 'culture_school')", name=op.f('ck_school_kind_known')),
    sa.CheckConstraint("name_key <> ''", name=op.f('ck_school_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school')),
    sa.UniqueConstraint('name_key', name=op.f('uq_school_name_key'))
    )
    op.create_table('exchange',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('title_sv', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('description_sv', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('programme_sv', sa.Text(), nullable=False),
    sa.Column('programme_en', sa.Text(), nullable=False),
    sa.Column('practical_sv', sa.Text(), nullable=False),
    sa.Column('practical_en', sa.Text(), nullable=False),
    sa.Column('direction', sa.String(length=12), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('school_year_min', sa.Integer(), nullable=True),
    sa.Column('school_year_max', sa.Integer(), nullable=True),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('cap_per_school', sa.Integer(), nullable=True),
    sa.Column('incoming_pupils', sa.Integer(), nullable=True),
    sa.Column('offer_hours', sa.Integer(), nullable=False),
    sa.Column('signup_opens_at', sa.DateTime(), nullable=False),
    sa.Column('signup_closes_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("direction IN ('we_travel', 'they_visit', 'both')", name=op.f('ck_exchange_direction_known')),
    sa.CheckConstraint("status IN ('draft', 'open', 'closed', 'cancelled')", name=op.f('ck_exchange_status_known')),
    sa.CheckConstraint("title_sv <> ''", name=op.f('ck_exchange_title_not_empty')),
    sa.CheckConstraint('age_min IS NULL OR age_max IS NULL OR age_min <= age_max', name=op.f('ck_exchange_ages_in_order')),
    sa.CheckConstraint('cap_per_school IS NULL OR cap_per_school >= 1', name=op.f('ck_exchange_cap_positive')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_exchange_dates_in_order')),
    sa.CheckConstraint('incoming_pupils IS NULL OR incoming_pupils >= 0', name=op.f('ck_exchange_incoming')),
    sa.CheckConstraint('offer_hours >= 1', name=op.f('ck_exchange_offer_hours_positive')),
    sa.CheckConstraint('places >= 1 AND places <= 10000', name=op.f('ck_exchange_places_range')),
    sa.CheckConstraint('school_year_min IS NULL OR school_year_max IS NULL OR school_year_min <= school_year_max', name=op.f('ck_exchange_years_in_order')),
    sa.CheckConstraint('signup_closes_at > signup_opens_at', name=op.f('ck_exchange_window_in_order')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_exchange_partner_id_partner'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange'))
    )
    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_status'), ['status'], unique=False)

    op.create_table('signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exchange_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('students', sa.Integer(), nullable=False),
    sa.Column('teachers', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('offer_expires_at', sa.DateTime(), nullable=True),
    sa.Column('token_nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status <> 'offered' OR offer_expires_at IS NOT NULL", name=op.f('ck_signup_offer_has_deadline')),
    sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'offered', 'expired', 'cancelled')", name=op.f('ck_signup_status_known')),
    sa.CheckConstraint('students >= 1 AND students <= 10000', name=op.f('ck_signup_students_range')),
    sa.CheckConstraint('teachers >= 1 AND teachers <= 1000', name=op.f('ck_signup_teachers_range')),
    sa.ForeignKeyConstraint(['exchange_id'], ['exchange.id'], name=op.f('fk_signup_exchange_id_exchange'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_signup_school_id_school'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signup')),
    sa.UniqueConstraint('exchange_id', 'school_id', name=op.f('uq_signup_exchange_id_school_id'))
    )
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.create_index('ix_signup_exchange_status', ['exchange_id', 'status', 'queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_signup_school_id'), ['school_id'], unique=False)



def downgrade():
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signup_school_id'))
        batch_op.drop_index('ix_signup_exchange_status')

    op.drop_table('signup')
    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_status'))
        batch_op.drop_index(batch_op.f('ix_exchange_partner_id'))

    op.drop_table('exchange')
    op.drop_table('school')
