"""step 2

Revision ID: by002
Revises: by001
Create Date: 2026-02-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "by002"
down_revision = "by001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("bypassed_2", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("bypassed_2")
