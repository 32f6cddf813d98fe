"""task titles

Revision ID: fs002
Revises: fs001
Create Date: 2026-02-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "fs002"
down_revision = "fs001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("title", sa.Text))


def downgrade() -> None:
    op.drop_column("tasks", "title")
