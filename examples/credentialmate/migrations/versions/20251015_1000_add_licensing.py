"""add licensing tables

Revision ID: 20251015_1000_add_licensing
Revises: 20251008_0900_add_provider_core
Create Date: 2025-10-15 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20251015_1000_add_licensing'
down_revision = '20251008_0900_add_provider_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TYPE license_status AS ENUM ('pending', 'active', 'expired', 'revoked')")
    op.create_table(
        'licenses',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('state_code', sa.CHAR(2), nullable=False),
        sa.Column('license_number', sa.String(50), nullable=False),
        sa.Column('license_type', sa.String(50)),
        sa.Column('issued_on', sa.Date()),
        sa.Column('expires_on', sa.Date()),
        sa.Column('notes', sa.Text()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.execute("ALTER TABLE licenses ADD COLUMN status license_status NOT NULL DEFAULT 'pending'")
    op.create_table(
        'license_verifications',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('license_id', sa.BigInteger(), sa.ForeignKey('licenses.id', ondelete='CASCADE'), nullable=False),
        sa.Column('verified_at', sa.DateTime(timezone=True)),
        sa.Column('source', sa.String(50)),
        sa.Column('result', postgresql.JSONB()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'license_renewals',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('license_id', sa.BigInteger(), sa.ForeignKey('licenses.id', ondelete='CASCADE'), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('submitted_on', sa.Date()),
        sa.Column('fee', sa.Numeric(10, 2)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'dea_registrations',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('dea_number', sa.String(20), nullable=False, unique=True),
        sa.Column('state_code', sa.CHAR(2)),
        sa.Column('expires_on', sa.Date()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'csr_registrations',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('state_code', sa.CHAR(2), nullable=False),
        sa.Column('number', sa.String(50)),
        sa.Column('expires_on', sa.Date()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'boards',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('abbreviation', sa.String(20), unique=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'board_certifications',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('board_id', sa.BigInteger(), sa.ForeignKey('boards.id', ondelete='CASCADE'), nullable=False),
        sa.Column('certified_on', sa.Date()),
        sa.Column('expires_on', sa.Date()),
        sa.Column('meets_moc', sa.Boolean()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_index('ix_licenses_expires_on', 'licenses', ['expires_on'])
    op.create_index('uq_licenses_state_number', 'licenses', ['state_code', 'license_number'], unique=True)


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
