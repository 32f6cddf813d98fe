"""drop orders total, rename orders

Revision ID: l004
Revises: l003
Create Date: 2026-01-10 12:00:00.000000

"""
from alembic import op

revision = 'l004'
down_revision = 'l003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('ALTER TABLE orders DROP COLUMN total')
    op.execute('ALTER TABLE orders RENAME TO purchases')
    op.execute('ALTER TABLE users DROP CONSTRAINT ck_users_email_at')
    op.execute('CREATE INDEX ix_users_name ON users (name)')


def downgrade() -> None:
    raise NotImplementedError
