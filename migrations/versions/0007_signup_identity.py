"""Exchanges: a school's live sign-up is keyed by school and contact address, and ended
sign-ups are never reused, so a stranger typing a school's name gets a sign-up of its own.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

LIVE = "status IN ('confirmed', 'offered', 'waitlisted')"


def upgrade():
    # Nothing refers to signup, so SQLite's batch rebuild of the table is safe.
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.drop_constraint('uq_signup_exchange_id_school_id', type_='unique')
    op.create_index(
        'ux_signup_live_school_contact',
        'signup',
        ['exchange_id', 'school_id', 'contact_email'],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade():
    op.drop_index('ux_signup_live_school_contact', table_name='signup')
    with op.batch_alter_table('signup', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_signup_exchange_id_school_id', ['exchange_id', 'school_id']
        )
