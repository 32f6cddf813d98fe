"""add license portal fields

Revision ID: 20260115_0100_add_license_portal_fields
Revises: 20260106_0900_add_provider_npi_lookup_index
Create Date: 2026-01-15 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260115_0100_add_license_portal_fields'
down_revision = '20260106_0900_add_provider_npi_lookup_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('licenses', sa.Column('portal_pin', sa.String(20)))
    op.add_column('licenses', sa.Column('renewal_notes', sa.Text()))


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
