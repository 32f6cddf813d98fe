"""create accuracy tables

Revision ID: 20260109_0200_create_accuracy_tables
Revises: 20260109_0100_add_duplicate_handling_infrastructure
Create Date: 2026-01-09 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20260109_0200_create_accuracy_tables'
down_revision = '20260109_0100_add_duplicate_handling_infrastructure'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ground_truth_documents',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('document_id', sa.BigInteger(), sa.ForeignKey('documents.id', ondelete='CASCADE'), nullable=False),
        sa.Column('expected', postgresql.JSONB(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'accuracy_test_runs',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('model', sa.String(120), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True)),
        sa.Column('finished_at', sa.DateTime(timezone=True)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'accuracy_test_results',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('run_id', sa.BigInteger(), sa.ForeignKey('accuracy_test_runs.id', ondelete='CASCADE'), nullable=False),
        sa.Column('ground_truth_id', sa.BigInteger(), sa.ForeignKey('ground_truth_documents.id', ondelete='CASCADE'), nullable=False),
        sa.Column('field', sa.String(120), nullable=False),
        sa.Column('correct', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
