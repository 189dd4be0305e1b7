"""Delegates per occurrence of a series, their replies, and a series' standing delegation.

meeting_delegate now belongs to a one-off meeting or to one occurrence of a series
(series_id and the occurrence's original start), and records the delegate's reply.
No other table refers to meeting_delegate, so SQLite may rebuild it (batch mode) to
make meeting_id nullable and to add its CHECKs. Existing delegates get a nonce for
their reply links.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 10:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_delegate', schema=None) as batch_op:
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('original_start', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reply', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('replied_at', sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column('reply_nonce', sa.String(length=32), server_default='', nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_meeting_delegate_series_id_meeting_series'),
            'meeting_series', ['series_id'], ['id'], ondelete='CASCADE',
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_meeting_delegate_series_id_original_start_email'),
            ['series_id', 'original_start', 'email'],
        )
        batch_op.create_check_constraint(
            op.f('ck_meeting_delegate_one_owner'),
            "(meeting_id IS NULL AND series_id IS NOT NULL AND original_start IS NOT NULL)"
            " OR (meeting_id IS NOT NULL AND series_id IS NULL AND original_start IS NULL)",
        )
        batch_op.create_check_constraint(
            op.f('ck_meeting_delegate_reply_known'),
            "reply IS NULL OR reply IN ('accepted', 'declined')",
        )
    conn = op.get_bind()
    delegate = sa.table('meeting_delegate', sa.column('id', sa.Integer), sa.column('reply_nonce'))
    for (delegate_id,) in conn.execute(sa.select(delegate.c.id)).all():
        conn.execute(
            delegate.update()
            .where(delegate.c.id == delegate_id)
            .values(reply_nonce=secrets.token_hex(16))
        )

    op.create_table('meeting_series_delegate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.CheckConstraint("email <> ''", name=op.f('ck_meeting_series_delegate_email_not_empty')),
    sa.CheckConstraint("language IN ('sv', 'en')", name=op.f('ck_meeting_series_delegate_language_known')),
    sa.CheckConstraint("name <> ''", name=op.f('ck_meeting_series_delegate_name_not_empty')),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meeting_series_delegate_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series_delegate')),
    sa.UniqueConstraint('series_id', 'email', name=op.f('uq_meeting_series_delegate_series_id_email'))
    )


def downgrade():
    op.drop_table('meeting_series_delegate')
    op.execute('DELETE FROM meeting_delegate WHERE meeting_id IS NULL')
    with op.batch_alter_table('meeting_delegate', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meeting_delegate_reply_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_meeting_delegate_one_owner'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('uq_meeting_delegate_series_id_original_start_email'), type_='unique'
        )
        batch_op.drop_constraint(
            batch_op.f('fk_meeting_delegate_series_id_meeting_series'), type_='foreignkey'
        )
        batch_op.drop_column('reply_nonce')
        batch_op.drop_column('replied_at')
        batch_op.drop_column('reply')
        batch_op.drop_column('original_start')
        batch_op.drop_column('series_id')
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=False)
