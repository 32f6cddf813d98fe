"""add normalized topic column

Revision ID: 20260110_0200_add_normalized_topic_column
Revises: 20260110_0100_add_board_specific_course_fields
Create Date: 2026-01-10 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260110_0200_add_normalized_topic_column'
down_revision = '20260110_0100_add_board_specific_course_fields'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cme_course_topics', sa.Column('normalized_topic', sa.String(255)))
    op.create_index('ix_cme_course_topics_normalized', 'cme_course_topics', ['normalized_topic'])


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
