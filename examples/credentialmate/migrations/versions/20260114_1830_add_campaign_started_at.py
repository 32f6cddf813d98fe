"""add campaign started_at

Revision ID: 20260114_1830_add_campaign_started_at
Revises: 20260114_0100_add_batch_state_coverage_indexes
Create Date: 2026-01-14 18:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260114_1830_add_campaign_started_at'
down_revision = '20260114_0100_add_batch_state_coverage_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('campaigns', sa.Column('started_at', sa.DateTime(timezone=True)))
    # Campaign names are shown in SMS; keep them short.
    op.alter_column('campaigns', 'name', type_=sa.String(120), existing_nullable=False)


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
