"""The audit log keeps each change's sentence as its English original and its values.

audit_entry gains message: JSON {"id": msgid, "values": {...}}, so that the log shows
the sentence in the reader's language and dates and times in the home zone. Entries
written before keep their English summary and are shown as they were. One added
column: nothing is rebuilt on SQLite.

Revision ID: 0016
Revises: 0014
Create Date: 2026-11-30 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('audit_entry', sa.Column('message', sa.Text(), nullable=True))


def downgrade():
    op.drop_column('audit_entry', 'message')
