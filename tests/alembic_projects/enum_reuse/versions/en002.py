"""one direction per objective

Revision ID: en002
Revises: en001
Create Date: 2026-06-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "en002"
down_revision = "en001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("study_directions", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("direction", sa.Enum("minimize", "maximize", name="studydirection")))


def downgrade() -> None:
    raise NotImplementedError
