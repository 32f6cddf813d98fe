"""index items, retire old columns: some statements guarded with IF [NOT] EXISTS, some not

Revision ID: i002
Revises: i001
Create Date: 2026-03-02 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = 'i002'
down_revision = 'i001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_items_name', 'items', ['name'], if_not_exists=True)
    op.create_index('ix_items_sku', 'items', ['sku'])
    op.drop_index('ix_items_old', table_name='items', if_exists=True)
    op.execute('ALTER TABLE items ADD COLUMN IF NOT EXISTS note text')
    op.execute('ALTER TABLE items DROP COLUMN IF EXISTS legacy')
    op.drop_column('items', 'retired')
    op.add_column('items', sa.Column('price', sa.Numeric(12, 2)))


def downgrade() -> None:
    raise NotImplementedError
