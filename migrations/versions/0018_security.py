"""Security: coordinators' roles and session versions; rate-limit counters.

`coordinator.role` is "administrator" (accounts, tokens, retention, organisation settings)
or "coordinator"; existing accounts become administrators, as they could do everything
before. `coordinator.session_version` is kept in the session cookie: raising it ends
every session of the account (logging out, changing the password). `rate_limit` holds
Flask-Limiter's counters, shared by every worker and host (app/ratelimit_storage.py).

Added columns only: `coordinator` is referred to by other tables, so it is not rebuilt on
SQLite; the role's CHECK constraint is added on PostgreSQL (SQLite cannot add one to a
table without rebuilding it; the application only writes the two values).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'coordinator',
        sa.Column('role', sa.String(length=20), server_default='coordinator', nullable=False),
    )
    op.add_column(
        'coordinator',
        sa.Column('session_version', sa.Integer(), server_default='1', nullable=False),
    )
    # Who had an account could do everything: they keep that.
    op.execute("UPDATE coordinator SET role = 'administrator'")
    if op.get_bind().dialect.name == 'postgresql':
        op.create_check_constraint(
            op.f('ck_coordinator_role_known'),
            'coordinator',
            "role IN ('administrator', 'coordinator')",
        )
    op.create_table(
        'rate_limit',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit')),
    )
    op.create_index(op.f('ix_rate_limit_expires_at'), 'rate_limit', ['expires_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_rate_limit_expires_at'), table_name='rate_limit')
    op.drop_table('rate_limit')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(op.f('ck_coordinator_role_known'), 'coordinator', type_='check')
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): no batch rebuild of `coordinator`.
    op.execute('ALTER TABLE coordinator DROP COLUMN session_version')
    op.execute('ALTER TABLE coordinator DROP COLUMN role')
