"""add CME tracking

Revision ID: 20251022_1400_add_cme_tracking
Revises: 20251015_1000_add_licensing
Create Date: 2025-10-22 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20251022_1400_add_cme_tracking'
down_revision = '20251015_1000_add_licensing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'cme_courses',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('title', sa.String(255), nullable=False),
        sa.Column('provider_name', sa.String(255)),
        sa.Column('credit_hours', sa.Numeric(10, 2), nullable=False),
        sa.Column('accredited_by', sa.String(50)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'cme_course_topics',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('course_id', sa.BigInteger(), sa.ForeignKey('cme_courses.id', ondelete='CASCADE'), nullable=False),
        sa.Column('topic', sa.String(255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'cme_activities',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE'), nullable=False),
        sa.Column('course_id', sa.BigInteger(), sa.ForeignKey('cme_courses.id', ondelete='CASCADE')),
        sa.Column('completed_on', sa.Date(), nullable=False),
        sa.Column('credit_hours', sa.Numeric(10, 2), nullable=False),
        sa.Column('category', sa.String(20)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'cme_rules',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('hours_required', sa.Numeric(10, 2), nullable=False),
        sa.Column('cycle_months', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(255)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'cme_requirements',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('license_id', sa.BigInteger(), sa.ForeignKey('licenses.id', ondelete='CASCADE'), nullable=False),
        sa.Column('rule_id', sa.BigInteger(), sa.ForeignKey('cme_rules.id', ondelete='CASCADE'), nullable=False),
        sa.Column('due_on', sa.Date()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'cme_certificates',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('activity_id', sa.BigInteger(), sa.ForeignKey('cme_activities.id', ondelete='CASCADE'), nullable=False),
        sa.Column('document_key', sa.String(255)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_index('ix_cme_activities_provider', 'cme_activities', ['provider_id', 'completed_on'])


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
