"""add name and email index

Revision ID: l002
Revises: l001
Create Date: 2026-01-02 10:00:00.000000

"""
from alembic import op

revision = 'l002'
down_revision = 'l001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('ALTER TABLE users ADD COLUMN name text')
    op.execute('CREATE UNIQUE INDEX ix_users_email ON users (email)')
    op.execute("ALTER TABLE users ADD CONSTRAINT ck_users_email_at CHECK (email LIKE '%@%')")


def downgrade() -> None:
    raise NotImplementedError
