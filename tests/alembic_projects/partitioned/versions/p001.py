"""events partitioned by month

Revision ID: p001
Revises: None
Create Date: 2026-04-01 09:00:00

"""
from alembic import op

revision = 'p001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) '
               'PARTITION BY RANGE (at)')
    op.execute("CREATE TABLE events_2026_03 PARTITION OF events FOR VALUES FROM ('2026-03-01') TO ('2026-04-01')")
    op.execute("CREATE TABLE events_2026_04 PARTITION OF events FOR VALUES FROM ('2026-04-01') TO ('2026-05-01')")


def downgrade() -> None:
    raise NotImplementedError
