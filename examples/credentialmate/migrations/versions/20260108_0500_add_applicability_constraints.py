"""add applicability constraints

Revision ID: 20260108_0500_add_applicability_constraints
Revises: 20260108_0400_add_team_messaging_tables
Create Date: 2026-01-08 05:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '20260108_0500_add_applicability_constraints'
down_revision = '20260108_0400_add_team_messaging_tables'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cme_requirements', sa.Column('applies_to_degree', sa.String(20)))
    op.add_column('cme_requirements', sa.Column('applies_to_specialty_id', sa.BigInteger(), sa.ForeignKey('specialties.id', ondelete='CASCADE')))
    op.create_check_constraint('ck_cme_requirements_degree', 'cme_requirements',
                               "applies_to_degree IS NULL OR applies_to_degree IN ('MD', 'DO', 'NP', 'PA')")


def downgrade() -> None:
    raise NotImplementedError("CredentialMate migrations are forward-only")
