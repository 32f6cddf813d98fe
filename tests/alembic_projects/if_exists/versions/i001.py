"""create items

Revision ID: i001
Revises: None
Create Date: 2026-03-01 10:00:00.000000

"""
from alembic import op

revision = 'i001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE items (id bigint PRIMARY KEY, name text, sku text, legacy text, retired text)')
    op.execute('CREATE INDEX ix_items_old ON items (sku)')


def downgrade() -> None:
    raise NotImplementedError
