"""add specialty conditional fields

Revision ID: 20260108_0200_add_specialty_conditional_fields
Revises: 20260106_0900_add_provider_npi_lookup_index
Create Date: 2026-01-08 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20260108_0200_add_specialty_conditional_fields'
down_revision = '20260106_0900_add_provider_npi_lookup_index'
branch_labels = ('cme_messaging',)
depends_on = None


def upgrade() -> None:
    op.add_column('specialties', sa.Column('requires_board_cert', sa.Boolean(), nullable=False, server_default=sa.text('false')))
    op.add_column('specialties', sa.Column('conditional_rules', postgresql.JSONB()))


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
