"""add provider core tables

Revision ID: 20251008_0900_add_provider_core
Revises: 20251001_0000_initial_schema
Create Date: 2025-10-08 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20251008_0900_add_provider_core'
down_revision = '20251001_0000_initial_schema'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'states',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('code', sa.CHAR(2), nullable=False, unique=True),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('compact_member', sa.Boolean(), nullable=False, server_default=sa.text('false')),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'providers',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('organization_id', sa.BigInteger(), sa.ForeignKey('organizations.id', ondelete='CASCADE'), nullable=False),
        sa.Column('npi', sa.String(10), nullable=False, unique=True),
        sa.Column('first_name', sa.String(120), nullable=False),
        sa.Column('last_name', sa.String(120), nullable=False),
        sa.Column('degree', sa.String(20)),
        sa.Column('date_of_birth', sa.Date()),
        sa.Column('email', sa.String(255)),
        sa.Column('phone', sa.String(20)),
        sa.Column('credential_summary', sa.Text()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'provider_addresses',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('line1', sa.String(255)),
        sa.Column('city', sa.String(120)),
        sa.Column('state_code', sa.CHAR(2)),
        sa.Column('zip', sa.String(10)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'provider_contacts',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.Column('relationship', sa.String(50)),
        sa.Column('phone', sa.String(20)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'specialties',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('code', sa.String(20), nullable=False, unique=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'provider_specialties',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('specialty_id', sa.BigInteger(), sa.ForeignKey('specialties.id', ondelete='CASCADE'), nullable=False),
        sa.Column('is_primary', sa.Boolean(), nullable=False, server_default=sa.text('false')),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_index('ix_providers_last_name', 'providers', ['last_name', 'first_name'])


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
