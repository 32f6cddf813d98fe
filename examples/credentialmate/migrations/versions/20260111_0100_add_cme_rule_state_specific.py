"""add cme rule state specific

Revision ID: 20260111_0100_add_cme_rule_state_specific
Revises: 20260110_0200_add_normalized_topic_column
Create Date: 2026-01-11 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260111_0100_add_cme_rule_state_specific'
down_revision = '20260110_0200_add_normalized_topic_column'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cme_rules', sa.Column('state_code', sa.CHAR(2)))
    op.add_column('cme_rules', sa.Column('is_state_specific', sa.Boolean(), nullable=False, server_default=sa.text('false')))


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
