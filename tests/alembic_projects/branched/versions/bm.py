"""merge feature into main

Revision ID: bm
Revises: b1b, b2a
Create Date: 2026-02-06 09:00:00

"""

revision = 'bm'
down_revision = ('b1b', 'b2a')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError
