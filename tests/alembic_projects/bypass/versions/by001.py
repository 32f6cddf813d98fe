"""step 1

Revision ID: by001
Revises:
Create Date: 2026-02-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "by001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("bypassed_1", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("bypassed_1")
