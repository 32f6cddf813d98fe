"""audit: order events

Revision ID: pa001
Revises:
Create Date: 2026-03-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "pa001"
down_revision = None
branch_labels = ('audit',)
depends_on = 'pc001'


def upgrade() -> None:
    op.create_table("order_events", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id")))


def downgrade() -> None:
    raise NotImplementedError
