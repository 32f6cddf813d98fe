"""core: order status

Revision ID: pc002
Revises: pc001
Create Date: 2026-03-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "pc002"
down_revision = 'pc001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("status", sa.Text, server_default="new"))


def downgrade() -> None:
    raise NotImplementedError
