"""add blueshift provider fields

Revision ID: 20260131_0000_add_blueshift_provider_fields
Revises: 7702d353e5b8
Create Date: 2026-01-31 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20260131_0000_add_blueshift_provider_fields'
down_revision = '7702d353e5b8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('providers', sa.Column('aoa_number', sa.String(20)))
    op.add_column('providers', sa.Column('citizenship_status', sa.String(50)))
    op.add_column('providers', sa.Column('cv_reference', sa.String(255)))
    op.add_column('providers', sa.Column('disclosure_notes', sa.Text()))
    op.add_column('providers', sa.Column('employer_start_date', sa.Date()))
    op.add_column('providers', sa.Column('fcvs_fid', sa.String(20)))
    op.add_column('providers', sa.Column('gender', sa.String(20)))
    op.add_column('providers', sa.Column('green_card_uscis_number', sa.String(20)))
    op.add_column('providers', sa.Column('height', sa.String(20)))
    op.add_column('providers', sa.Column('weight', sa.String(20)))
    op.add_column('providers', sa.Column('home_address', sa.String(255)))
    op.add_column('providers', sa.Column('home_city', sa.String(120)))
    op.add_column('providers', sa.Column('home_state', sa.CHAR(2)))
    op.add_column('providers', sa.Column('home_zip', sa.String(10)))
    op.add_column('providers', sa.Column('name_change_documents', postgresql.JSONB()))
    op.add_column('providers', sa.Column('place_of_birth', sa.String(255)))
    op.add_column('providers', sa.Column('previous_names', postgresql.ARRAY(sa.Text())))
    op.add_column('providers', sa.Column('race', sa.String(50)))
    op.add_column('providers', sa.Column('references', postgresql.JSONB()))
    op.add_column('providers', sa.Column('renewal_preferences', postgresql.JSONB()))
    op.create_table(
        'payment_methods',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('organization_id', sa.BigInteger(), sa.ForeignKey('organizations.id', ondelete='CASCADE'), nullable=False),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('last4', sa.String(10)),
        sa.Column('processor_token', sa.String(255), nullable=False),
        sa.Column('is_default', sa.Boolean(), nullable=False, server_default=sa.text('false')),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
