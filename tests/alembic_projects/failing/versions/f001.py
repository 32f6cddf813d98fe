"""create things

Revision ID: f001
Revises: None
Create Date: 2026-03-01 09:00:00

"""
from alembic import op

revision = 'f001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE things (id int PRIMARY KEY)')


def downgrade() -> None:
    raise NotImplementedError
