"""main: account email

Revision ID: b2a
Revises: b000
Create Date: 2026-02-05 09:00:00

"""
from alembic import op

revision = 'b2a'
down_revision = 'b000'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('ALTER TABLE accounts ADD COLUMN email text')


def downgrade() -> None:
    raise NotImplementedError
