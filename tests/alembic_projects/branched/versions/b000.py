"""base tables

Revision ID: b000
Revises: None
Create Date: 2026-02-01 09:00:00

"""
from alembic import op

revision = 'b000'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL)')


def downgrade() -> None:
    raise NotImplementedError
