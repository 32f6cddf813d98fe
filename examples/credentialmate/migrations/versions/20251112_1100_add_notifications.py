"""add notifications

Revision ID: 20251112_1100_add_notifications
Revises: 20251105_0900_add_documents
Create Date: 2025-11-12 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20251112_1100_add_notifications'
down_revision = '20251105_0900_add_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification_templates',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('key', sa.String(120), nullable=False, unique=True),
        sa.Column('channel', sa.String(20), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'notifications',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('user_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('template_id', sa.BigInteger(), sa.ForeignKey('notification_templates.id', ondelete='CASCADE')),
        sa.Column('read_at', sa.DateTime(timezone=True)),
        sa.Column('payload', postgresql.JSONB()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'email_logs',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('notification_id', sa.BigInteger(), sa.ForeignKey('notifications.id', ondelete='CASCADE')),
        sa.Column('to_address', sa.String(255), nullable=False),
        sa.Column('status', sa.String(20)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'sms_logs',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('notification_id', sa.BigInteger(), sa.ForeignKey('notifications.id', ondelete='CASCADE')),
        sa.Column('to_number', sa.String(20), nullable=False),
        sa.Column('status', sa.String(20)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
