"""feature branch: notes

Revision ID: b1a
Revises: b000
Create Date: 2026-02-03 09:00:00

"""
from alembic import op

revision = 'b1a'
down_revision = 'b000'
branch_labels = ('feature',)
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE notes (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), body text)')


def downgrade() -> None:
    raise NotImplementedError
