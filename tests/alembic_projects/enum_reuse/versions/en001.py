"""studies with a direction

Revision ID: en001
Revises:
Create Date: 2026-06-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "en001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("studies", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("direction", sa.Enum("minimize", "maximize", name="studydirection")))


def downgrade() -> None:
    raise NotImplementedError
