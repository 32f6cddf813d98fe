"""right

Revision ID: t2
Revises: t000
Create Date: 2026-04-03 09:00:00

"""
from alembic import op

revision = 't2'
down_revision = 't000'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE right_side (id int)')


def downgrade() -> None:
    raise NotImplementedError
