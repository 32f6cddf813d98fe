"""add batch state coverage indexes

Revision ID: 20260114_0100_add_batch_state_coverage_indexes
Revises: 20260112_0100_add_cme_rule_source_restricted
Create Date: 2026-01-14 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260114_0100_add_batch_state_coverage_indexes'
down_revision = '20260112_0100_add_cme_rule_source_restricted'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_upload_batches_state_status', 'upload_batches', ['state_code', 'status'])
    op.create_index('ix_licenses_state_status', 'licenses', ['state_code', 'status'])


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
