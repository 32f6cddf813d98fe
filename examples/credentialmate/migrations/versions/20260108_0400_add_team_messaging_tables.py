"""add team messaging tables

Revision ID: 20260108_0400_add_team_messaging_tables
Revises: 20260108_0200_add_specialty_conditional_fields
Create Date: 2026-01-08 04:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260108_0400_add_team_messaging_tables'
down_revision = '20260108_0200_add_specialty_conditional_fields'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'channels',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('organization_id', sa.BigInteger(), sa.ForeignKey('organizations.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('is_private', sa.Boolean(), nullable=False, server_default=sa.text('false')),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'threads',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('channel_id', sa.BigInteger(), sa.ForeignKey('channels.id', ondelete='CASCADE'), nullable=False),
        sa.Column('subject', sa.String(255)),
        sa.Column('created_by', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='CASCADE')),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'thread_messages',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('thread_id', sa.BigInteger(), sa.ForeignKey('threads.id', ondelete='CASCADE'), nullable=False),
        sa.Column('author_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='CASCADE')),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('edited_at', sa.DateTime(timezone=True)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_index('ix_thread_messages_thread', 'thread_messages', ['thread_id', 'created_at'])


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
