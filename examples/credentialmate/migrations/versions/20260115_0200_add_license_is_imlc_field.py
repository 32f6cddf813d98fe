"""add license is_imlc field

Revision ID: 20260115_0200_add_license_is_imlc_field
Revises: 20260115_0100_add_license_portal_fields
Create Date: 2026-01-15 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260115_0200_add_license_is_imlc_field'
down_revision = '20260115_0100_add_license_portal_fields'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('licenses', sa.Column('is_imlc', sa.Boolean(), nullable=False, server_default=sa.text('false')))


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
