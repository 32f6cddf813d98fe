"""base

Revision ID: t000
Revises: None
Create Date: 2026-04-01 09:00:00

"""
from alembic import op

revision = 't000'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE t (id int PRIMARY KEY)')


def downgrade() -> None:
    raise NotImplementedError
