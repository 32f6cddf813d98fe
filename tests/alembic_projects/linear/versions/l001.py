"""create users

Revision ID: l001
Revises: None
Create Date: 2026-01-01 10:00:00.000000

"""
from alembic import op

revision = 'l001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL)')
    op.execute('CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), total numeric(12,2))')


def downgrade() -> None:
    raise NotImplementedError
