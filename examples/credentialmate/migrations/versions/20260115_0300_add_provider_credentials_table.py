"""add provider credentials table

Revision ID: 20260115_0300_add_provider_credentials_table
Revises: 20260115_0200_add_license_is_imlc_field
Create Date: 2026-01-15 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260115_0300_add_provider_credentials_table'
down_revision = '20260115_0200_add_license_is_imlc_field'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'provider_credentials',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('credential_type', sa.String(50), nullable=False),
        sa.Column('reference_id', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(20)),
        sa.Column('expires_on', sa.Date()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_index('ix_provider_credentials_provider', 'provider_credentials', ['provider_id', 'credential_type'])
    # The free-text summary is superseded by provider_credentials.
    op.drop_column('providers', 'credential_summary')


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
