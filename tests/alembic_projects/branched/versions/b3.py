"""after merge: account status

Revision ID: b3
Revises: bm
Create Date: 2026-02-07 09:00:00

"""
from alembic import op

revision = 'b3'
down_revision = 'bm'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active'")


def downgrade() -> None:
    raise NotImplementedError
