"""notes

Revision ID: rv001
Revises:
Create Date: 2026-02-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "rv001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.Text))


def downgrade() -> None:
    op.drop_table("notes")
