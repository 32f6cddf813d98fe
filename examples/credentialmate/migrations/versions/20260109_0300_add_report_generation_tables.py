"""add report generation tables

Revision ID: 20260109_0300_add_report_generation_tables
Revises: 20260109_0200_create_accuracy_tables
Create Date: 2026-01-09 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20260109_0300_add_report_generation_tables'
down_revision = '20260109_0200_create_accuracy_tables'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_access_logs',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('user_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('report_key', sa.String(255), nullable=False),
        sa.Column('action', sa.String(20), nullable=False),
        sa.Column('ip_address', postgresql.INET()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_index('ix_report_access_logs_user', 'report_access_logs', ['user_id', 'created_at'])


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
