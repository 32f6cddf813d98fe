"""add renewal campaigns

Revision ID: 20251120_1000_add_campaigns
Revises: 20251112_1100_add_notifications
Create Date: 2025-11-20 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20251120_1000_add_campaigns'
down_revision = '20251112_1100_add_notifications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'campaigns',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('organization_id', sa.BigInteger(), sa.ForeignKey('organizations.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'campaign_steps',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('campaign_id', sa.BigInteger(), sa.ForeignKey('campaigns.id', ondelete='CASCADE'), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('template_id', sa.BigInteger(), sa.ForeignKey('notification_templates.id', ondelete='CASCADE')),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'campaign_recipients',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('campaign_id', sa.BigInteger(), sa.ForeignKey('campaigns.id', ondelete='CASCADE'), nullable=False),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('state', sa.String(20)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'reminders',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('license_id', sa.BigInteger(), sa.ForeignKey('licenses.id', ondelete='CASCADE')),
        sa.Column('remind_on', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
