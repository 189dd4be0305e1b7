"""Records: disposal rules, the disposal log, and erased sign-ups and delegates.

`retention_rule` holds the periods an administrator sets at /admin/retention (they
override the RETENTION_*_MONTHS configuration). The disposal job
(app/records/disposal.py) erases personal data by the rules and logs each run in
`disposal_log` (kind, count, rule; no personal data). `signup.erased_at` and
`meeting_delegate.erased_at` mark rows whose contact details were erased; their numbers
and replies stay for the counts. Added columns only, so nothing that other tables refer
to is rebuilt on SQLite.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 21:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COLUMNS = (("signup", "erased_at"), ("meeting_delegate", "erased_at"))


def upgrade():
    op.create_table(
        "disposal_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("cutoff", sa.DateTime(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_disposal_log_count_not_negative")),
        sa.CheckConstraint("months >= 1", name=op.f("ck_disposal_log_months_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_log")),
    )
    op.create_index(op.f("ix_disposal_log_at"), "disposal_log", ["at"], unique=False)
    op.create_table(
        "retention_rule",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "months >= 0 AND months <= 1200", name=op.f("ck_retention_rule_months_range")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["coordinator.id"],
            name=op.f("fk_retention_rule_updated_by_id_coordinator"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_retention_rule")),
    )
    op.create_index(
        op.f("ix_retention_rule_updated_by_id"), "retention_rule", ["updated_by_id"], unique=False
    )
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.DateTime(), nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): no batch rebuild of the tables.
    for table, column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index(op.f("ix_retention_rule_updated_by_id"), table_name="retention_rule")
    op.drop_table("retention_rule")
    op.drop_index(op.f("ix_disposal_log_at"), table_name="disposal_log")
    op.drop_table("disposal_log")
