"""add stage changed action type; merge the messaging/CME branch

Revision ID: 20260127_0100_add_stage_changed_action_type
Revises: 20260115_0300_add_provider_credentials_table, 20260114_1830_add_campaign_started_at
Create Date: 2026-01-27 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260127_0100_add_stage_changed_action_type'
down_revision = ('20260115_0300_add_provider_credentials_table', '20260114_1830_add_campaign_started_at')
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TYPE workflow_action_type ADD VALUE IF NOT EXISTS 'stage_changed'")


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
