"""Foundation: partners, themes, links, projects, contacts, coordinators, audit log, outbox, scheduler heartbeat.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coordinator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("email <> ''", name=op.f('ck_coordinator_email_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordinator')),
    sa.UniqueConstraint('email', name=op.f('uq_coordinator_email'))
    )
    op.create_table('outbox_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sa.String(length=255), nullable=False),
    sa.Column('to_addr', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('ics', sa.LargeBinary(), nullable=True),
    sa.Column('ics_method', sa.String(length=20), nullable=True),
    sa.Column('ics_filename', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_mail_status_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_mail_attempts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mail')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_outbox_mail_dedup_key'))
    )
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_mail_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('other_names', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('region_sv', sa.String(length=120), nullable=False),
    sa.Column('region_en', sa.String(length=120), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('since_year', sa.Integer(), nullable=True),
    sa.Column('since_approximate', sa.Boolean(), nullable=False),
    sa.Column('funding', sa.String(length=200), nullable=False),
    sa.Column('description_sv', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=True),
    sa.Column('member_countries', sa.Integer(), nullable=True),
    sa.Column('membership_sv', sa.Text(), nullable=False),
    sa.Column('membership_en', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('home', 'partner_city', 'twin_town', 'associated_town', 'network')", name=op.f('ck_partner_kind_known')),
    sa.CheckConstraint("name <> ''", name=op.f('ck_partner_name_not_empty')),
    sa.CheckConstraint("slug <> ''", name=op.f('ck_partner_slug_not_empty')),
    sa.CheckConstraint('country IS NULL OR length(country) = 2', name=op.f('ck_partner_country_code')),
    sa.CheckConstraint('member_count IS NULL OR member_count >= 0', name=op.f('ck_partner_members')),
    sa.CheckConstraint('member_countries IS NULL OR member_countries >= 0', name=op.f('ck_partner_member_countries')),
    sa.CheckConstraint('since_year IS NULL OR since_year BETWEEN 1000 AND 2200', name=op.f('ck_partner_since')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner')),
    sa.UniqueConstraint('slug', name=op.f('uq_partner_slug'))
    )
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_kind'), ['kind'], unique=False)

    op.create_table('scheduler_heartbeat',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('beat_at', sa.DateTime(), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_heartbeat'))
    )
    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name_sv', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.CheckConstraint("slug <> ''", name=op.f('ck_theme_slug_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('slug', name=op.f('uq_theme_slug'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_email', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.String(length=60), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.CheckConstraint("action <> ''", name=op.f('ck_audit_entry_action_not_empty')),
    sa.ForeignKeyConstraint(['actor_id'], ['coordinator.id'], name=op.f('fk_audit_entry_actor_id_coordinator'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_object_type'), ['object_type'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('role_sv', sa.String(length=120), nullable=False),
    sa.Column('role_en', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('organisation', sa.String(length=160), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_contact_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_partner_id', ['partner_id'], unique=False)

    op.create_table('partner_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.CheckConstraint("kind IN ('twin_town', 'member_of')", name=op.f('ck_partner_link_kind_known')),
    sa.CheckConstraint('partner_id <> other_id', name=op.f('ck_partner_link_not_self')),
    sa.ForeignKeyConstraint(['other_id'], ['partner.id'], name=op.f('fk_partner_link_other_id_partner'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_link_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_link')),
    sa.UniqueConstraint('partner_id', 'other_id', 'kind', name=op.f('uq_partner_link_partner_id_other_id_kind'))
    )
    with op.batch_alter_table('partner_link', schema=None) as batch_op:
        batch_op.create_index('ix_partner_link_other_id', ['other_id'], unique=False)

    op.create_table('partner_theme',
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_theme_partner_id_partner'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_partner_theme_theme_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partner_id', 'theme_id', name=op.f('pk_partner_theme'))
    )
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('title_sv', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('description_sv', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('starts_year', sa.Integer(), nullable=True),
    sa.Column('ends_year', sa.Integer(), nullable=True),
    sa.Column('funding', sa.String(length=200), nullable=False),
    sa.CheckConstraint('starts_year IS NULL OR ends_year IS NULL OR ends_year >= starts_year', name=op.f('ck_project_years_in_order')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_project_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index('ix_project_partner_id', ['partner_id'], unique=False)



def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_partner_id')

    op.drop_table('project')
    op.drop_table('partner_theme')
    with op.batch_alter_table('partner_link', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_link_other_id')

    op.drop_table('partner_link')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_partner_id')

    op.drop_table('contact')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_object_type'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))

    op.drop_table('audit_entry')
    op.drop_table('theme')
    op.drop_table('scheduler_heartbeat')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_kind'))

    op.drop_table('partner')
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_mail_due')

    op.drop_table('outbox_mail')
    op.drop_table('coordinator')
