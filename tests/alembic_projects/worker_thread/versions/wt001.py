"""jobs

Revision ID: wt001
Revises:
Create Date: 2026-04-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "wt001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("jobs", sa.Column("id", sa.Integer, primary_key=True), sa.Column("payload", sa.JSON))


def downgrade() -> None:
    raise NotImplementedError
