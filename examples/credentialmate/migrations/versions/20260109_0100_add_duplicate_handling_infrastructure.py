"""add duplicate handling infrastructure

Revision ID: 20260109_0100_add_duplicate_handling_infrastructure
Revises: 20260108_0500_add_applicability_constraints
Create Date: 2026-01-09 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260109_0100_add_duplicate_handling_infrastructure'
down_revision = '20260108_0500_add_applicability_constraints'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'duplicate_events',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('entity_type', sa.String(50), nullable=False),
        sa.Column('entity_id', sa.BigInteger(), nullable=False),
        sa.Column('duplicate_of_id', sa.BigInteger(), nullable=False),
        sa.Column('score', sa.Numeric(10, 2)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'duplicate_review_queue',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('event_id', sa.BigInteger(), sa.ForeignKey('duplicate_events.id', ondelete='CASCADE'), nullable=False),
        sa.Column('reviewer_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='CASCADE')),
        sa.Column('decision', sa.String(20)),
        sa.Column('decided_at', sa.DateTime(timezone=True)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_index('ix_duplicate_events_entity', 'duplicate_events', ['entity_type', 'entity_id'])


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
