"""create widgets

Revision ID: e001
Revises: None
Create Date: 2026-05-01 09:00:00

"""
from alembic import op

revision = 'e001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE widgets (id int PRIMARY KEY)')


def downgrade() -> None:
    raise NotImplementedError
