"""merge core and audit

Revision ID: pm001
Revises: pc002, pa001
Create Date: 2026-03-04 10:00:00
"""


revision = "pm001"
down_revision = ('pc002', 'pa001')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError
