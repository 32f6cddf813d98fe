"""extensions and a table that uses them

Revision ID: ext001
Revises:
Create Date: 2026-05-01 10:00:00
"""

from alembic import op

revision = "ext001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    for extension in ("pg_trgm", "citext", "hstore", "pgcrypto", "btree_gist"):
        op.execute(f'CREATE EXTENSION IF NOT EXISTS "{extension}"')
    op.execute("CREATE TABLE people (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email citext NOT NULL, "
               "attributes hstore, during tstzrange, room int, "
               "EXCLUDE USING gist (room WITH =, during WITH &&))")
    op.execute("CREATE INDEX ix_people_email_trgm ON people USING gin ((email::text) gin_trgm_ops)")


def downgrade() -> None:
    raise NotImplementedError
