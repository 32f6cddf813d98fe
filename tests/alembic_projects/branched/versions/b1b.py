"""feature branch: note index

Revision ID: b1b
Revises: b1a
Create Date: 2026-02-04 09:00:00

"""
from alembic import op

revision = 'b1b'
down_revision = 'b1a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE INDEX ix_notes_account ON notes (account_id)')


def downgrade() -> None:
    raise NotImplementedError
