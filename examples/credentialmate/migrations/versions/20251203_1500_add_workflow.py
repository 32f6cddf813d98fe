"""add credentialing workflow

Revision ID: 20251203_1500_add_workflow
Revises: 20251120_1000_add_campaigns
Create Date: 2025-12-03 15:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20251203_1500_add_workflow'
down_revision = '20251120_1000_add_campaigns'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TYPE workflow_action_type AS ENUM ('created', 'assigned', 'commented', 'completed')")
    op.create_table(
        'workflows',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('organization_id', sa.BigInteger(), sa.ForeignKey('organizations.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'workflow_stages',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('workflow_id', sa.BigInteger(), sa.ForeignKey('workflows.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'workflow_actions',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('stage_id', sa.BigInteger(), sa.ForeignKey('workflow_stages.id', ondelete='CASCADE'), nullable=False),
        sa.Column('actor_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='CASCADE')),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.execute('ALTER TABLE workflow_actions ADD COLUMN action workflow_action_type NOT NULL')
    op.create_table(
        'tasks',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE')),
        sa.Column('stage_id', sa.BigInteger(), sa.ForeignKey('workflow_stages.id', ondelete='CASCADE')),
        sa.Column('title', sa.String(255), nullable=False),
        sa.Column('due_on', sa.Date()),
        sa.Column('done_at', sa.DateTime(timezone=True)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'task_comments',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('task_id', sa.BigInteger(), sa.ForeignKey('tasks.id', ondelete='CASCADE'), nullable=False),
        sa.Column('author_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='CASCADE')),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
