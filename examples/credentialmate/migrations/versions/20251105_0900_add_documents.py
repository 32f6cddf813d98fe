"""add document ingestion

Revision ID: 20251105_0900_add_documents
Revises: 20251022_1400_add_cme_tracking
Create Date: 2025-11-05 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20251105_0900_add_documents'
down_revision = '20251022_1400_add_cme_tracking'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'upload_batches',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('organization_id', sa.BigInteger(), sa.ForeignKey('organizations.id', ondelete='CASCADE'), nullable=False),
        sa.Column('state_code', sa.CHAR(2)),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('file_count', sa.Integer()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'documents',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('provider_id', sa.BigInteger(), sa.ForeignKey('providers.id', ondelete='CASCADE')),
        sa.Column('batch_id', sa.BigInteger(), sa.ForeignKey('upload_batches.id', ondelete='CASCADE')),
        sa.Column('s3_key', sa.String(255), nullable=False),
        sa.Column('mime_type', sa.String(120)),
        sa.Column('sha256', sa.String(255)),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'document_pages',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('document_id', sa.BigInteger(), sa.ForeignKey('documents.id', ondelete='CASCADE'), nullable=False),
        sa.Column('page_number', sa.Integer(), nullable=False),
        sa.Column('text_content', sa.Text()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'document_extractions',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('document_id', sa.BigInteger(), sa.ForeignKey('documents.id', ondelete='CASCADE'), nullable=False),
        sa.Column('model', sa.String(120)),
        sa.Column('confidence', sa.Numeric(10, 2)),
        sa.Column('extracted', postgresql.JSONB()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_table(
        'extraction_fields',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column('extraction_id', sa.BigInteger(), sa.ForeignKey('document_extractions.id', ondelete='CASCADE'), nullable=False),
        sa.Column('field', sa.String(120), nullable=False),
        sa.Column('value', sa.Text()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    )
    op.create_index('ix_documents_sha256', 'documents', ['sha256'])


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
