"""tasks

Revision ID: fs001
Revises:
Create Date: 2026-02-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op
from frozen_app.models import STATUS_VALUES

revision = "fs001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("tasks", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("status", sa.Enum(*STATUS_VALUES, name="task_status"), nullable=False))


def downgrade() -> None:
    op.drop_table("tasks")
