"""add coordinators and facilities

Revision ID: 20251210_0900_add_coordinators
Revises: 20251203_1500_add_workflow
Create Date: 2025-12-10 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20251210_0900_add_coordinators'
down_revision = '20251203_1500_add_workflow'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'coordinators',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('user_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('title', sa.String(120)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'facilities',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('organization_id', sa.BigInteger(), sa.ForeignKey('organizations.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('state_code', sa.CHAR(2)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'coordinator_assignments',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('coordinator_id', sa.BigInteger(), sa.ForeignKey('coordinators.id', ondelete='CASCADE'), nullable=False),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'facility_providers',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('facility_id', sa.BigInteger(), sa.ForeignKey('facilities.id', ondelete='CASCADE'), nullable=False),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('privileges_granted_on', sa.Date()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
