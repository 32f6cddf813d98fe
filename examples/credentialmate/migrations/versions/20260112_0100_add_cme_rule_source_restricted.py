"""add cme rule source restricted

Revision ID: 20260112_0100_add_cme_rule_source_restricted
Revises: 20260111_0100_add_cme_rule_state_specific
Create Date: 2026-01-12 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20260112_0100_add_cme_rule_source_restricted'
down_revision = '20260111_0100_add_cme_rule_state_specific'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cme_rules', sa.Column('source_restricted', sa.Boolean(), nullable=False, server_default=sa.text('false')))
    op.add_column('cme_rules', sa.Column('allowed_sources', postgresql.ARRAY(sa.Text())))


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
