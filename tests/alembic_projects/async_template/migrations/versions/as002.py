"""account names

Revision ID: as002
Revises: as001
Create Date: 2026-03-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "as002"
down_revision = 'as001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("name", sa.String(200)))
    op.create_index("ix_accounts_name", "accounts", ["name"])


def downgrade() -> None:
    raise NotImplementedError
