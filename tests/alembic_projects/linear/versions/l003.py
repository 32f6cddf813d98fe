"""status enum and narrower email

Revision ID: l003
Revises: l002
Create Date: 2026-01-05 12:00:00.000000

"""
from alembic import op

revision = 'l003'
down_revision = 'l002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TYPE order_status AS ENUM ('new', 'paid')")
    op.execute("ALTER TABLE orders ADD COLUMN status order_status NOT NULL DEFAULT 'new'")
    op.execute('ALTER TABLE users ALTER COLUMN email TYPE varchar(100)')


def downgrade() -> None:
    raise NotImplementedError
