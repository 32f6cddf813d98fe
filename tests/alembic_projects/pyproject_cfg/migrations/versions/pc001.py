"""core: orders

Revision ID: pc001
Revises:
Create Date: 2026-03-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "pc001"
down_revision = None
branch_labels = ('core',)
depends_on = None


def upgrade() -> None:
    op.create_table("orders", sa.Column("id", sa.Integer, primary_key=True), sa.Column("total", sa.Numeric(12, 2)))


def downgrade() -> None:
    raise NotImplementedError
