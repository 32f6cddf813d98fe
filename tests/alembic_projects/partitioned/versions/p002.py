"""drop March's events

Revision ID: p002
Revises: p001
Create Date: 2026-04-15 09:00:00

"""
from alembic import op

revision = 'p002'
down_revision = 'p001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('DROP TABLE events_2026_03')


def downgrade() -> None:
    raise NotImplementedError
