"""add provider NPI lookup index

Revision ID: 20260106_0900_add_provider_npi_lookup_index
Revises: 20251218_1000_add_billing_core
Create Date: 2026-01-06 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260106_0900_add_provider_npi_lookup_index'
down_revision = '20251218_1000_add_billing_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_providers_npi_prefix', 'providers', ['npi', 'last_name'])


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
