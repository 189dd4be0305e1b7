"""Calendar feeds: agreements' calendar sequence, the installation's UID domain, the data version feeds are cached by,
and revocable tokens for private feeds.

An installation that already holds events has sent UIDs ending in the host of its
PUBLIC_BASE_URL: it keeps that host as its UID domain, so no subscriber sees an event
twice. A new installation gets a random domain of its own.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 15:30:00

"""
import os
import secrets
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _public_base_url() -> str:
    try:
        from flask import current_app

        return current_app.config["PUBLIC_BASE_URL"]
    except (ImportError, RuntimeError, KeyError):
        return os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")


def upgrade():
    installation = op.create_table('installation',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('uid_domain', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_installation_single_row')),
    sa.CheckConstraint("uid_domain <> ''", name=op.f('ck_installation_uid_domain_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation'))
    )
    data_version = op.create_table('data_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', sa.BigInteger(), nullable=False),
    sa.Column('epoch', sa.String(length=32), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_data_version_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    op.create_table('feed_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=8), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("label <> ''", name=op.f('ck_feed_token_label_not_empty')),
    sa.ForeignKeyConstraint(['created_by_id'], ['coordinator.id'], name=op.f('fk_feed_token_created_by_id_coordinator'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_feed_token_token_hash'))
    )
    with op.batch_alter_table('feed_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_token_created_by_id'), ['created_by_id'], unique=False)

    # Other tables refer to agreement, so SQLite gets a plain ADD COLUMN, not a rebuild
    # (its CHECK is then only in new databases); PostgreSQL gets the constraint too.
    op.add_column('agreement', sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':
        op.create_check_constraint(
            op.f('ck_agreement_sequence_not_negative'), 'agreement', 'sequence >= 0'
        )

    has_events = any(
        conn.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table in ("meeting", "meeting_series", "exchange", "agreement")
    )
    host = urlsplit(_public_base_url()).hostname if has_events else None
    domain = host or f"{secrets.token_hex(8)}.vanort"
    op.bulk_insert(
        installation,
        [{"id": 1, "uid_domain": domain, "created_at": datetime.now(UTC).replace(tzinfo=None)}],
    )
    op.bulk_insert(
        data_version,
        [{"id": 1, "version": 0, "changed_at": time.time_ns() // 1_000_000, "epoch": secrets.token_hex(8)}],
    )


def downgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_column('sequence')
    with op.batch_alter_table('feed_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_token_created_by_id'))
    op.drop_table('feed_token')
    op.drop_table('data_version')
    op.drop_table('installation')
