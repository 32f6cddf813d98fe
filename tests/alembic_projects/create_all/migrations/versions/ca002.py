"""sessions

Revision ID: ca002
Revises: ca001
Create Date: 2026-04-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "ca002"
down_revision = 'ca001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("sessions", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False))


def downgrade() -> None:
    raise NotImplementedError
