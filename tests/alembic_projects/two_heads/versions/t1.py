"""left

Revision ID: t1
Revises: t000
Create Date: 2026-04-02 09:00:00

"""
from alembic import op

revision = 't1'
down_revision = 't000'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE left_side (id int)')


def downgrade() -> None:
    raise NotImplementedError
