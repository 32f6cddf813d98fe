"""events

Revision ID: el001
Revises:
Create Date: 2026-04-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "el001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("events", sa.Column("id", sa.Integer, primary_key=True), sa.Column("kind", sa.Text))


def downgrade() -> None:
    raise NotImplementedError
