"""accounts

Revision ID: as001
Revises:
Create Date: 2026-03-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "as001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("accounts", sa.Column("id", sa.BigInteger, primary_key=True),
                    sa.Column("email", sa.Text, nullable=False, unique=True))


def downgrade() -> None:
    raise NotImplementedError
