"""trigram search on names

Revision ID: x001
Revises: None
Create Date: 2026-03-01 09:00:00

"""
from alembic import op

revision = 'x001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.execute('CREATE TABLE names (id int PRIMARY KEY, name text)')
    op.execute('CREATE INDEX names_trgm ON names USING gin (name gin_trgm_ops)')


def downgrade() -> None:
    raise NotImplementedError
