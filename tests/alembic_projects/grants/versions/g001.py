"""reports readable by the analysts

Revision ID: g001
Revises: None
Create Date: 2026-05-01 09:00:00

"""
from alembic import op

revision = 'g001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE reports (id int PRIMARY KEY, body text)')
    op.execute('GRANT SELECT ON reports TO pgdrift_case_analysts')


def downgrade() -> None:
    raise NotImplementedError
