"""add board specific course fields

Revision ID: 20260110_0100_add_board_specific_course_fields
Revises: 20260109_0300_add_report_generation_tables
Create Date: 2026-01-10 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260110_0100_add_board_specific_course_fields'
down_revision = '20260109_0300_add_report_generation_tables'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cme_courses', sa.Column('board_id', sa.BigInteger(), sa.ForeignKey('boards.id', ondelete='CASCADE')))
    op.add_column('cme_courses', sa.Column('board_specific', sa.Boolean(), nullable=False, server_default=sa.text('false')))


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
