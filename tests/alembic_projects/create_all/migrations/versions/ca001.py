"""users: created_at

Revision ID: ca001
Revises:
Create Date: 2026-04-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "ca001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()))


def downgrade() -> None:
    raise NotImplementedError
