"""add coordinator notification preferences

Revision ID: 7702d353e5b8
Revises: 20260127_0100_add_stage_changed_action_type
Create Date: 2026-01-27 11:21:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '7702d353e5b8'
down_revision = '20260127_0100_add_stage_changed_action_type'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'coordinator_notification_preferences',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('coordinator_id', sa.BigInteger(), sa.ForeignKey('coordinators.id', ondelete='CASCADE'), nullable=False),
        sa.Column('channel', sa.String(20), nullable=False),
        sa.Column('event', sa.String(120), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False, server_default=sa.text('true')),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_index('uq_coordinator_notification_preferences', 'coordinator_notification_preferences', ['coordinator_id', 'channel', 'event'], unique=True)


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
