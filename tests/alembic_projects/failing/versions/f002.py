"""broken migration

Revision ID: f002
Revises: f001
Create Date: 2026-03-02 09:00:00

"""
from alembic import op

revision = 'f002'
down_revision = 'f001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('ALTER TABLE thingz ADD COLUMN label text')


def downgrade() -> None:
    raise NotImplementedError
