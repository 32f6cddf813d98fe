"""env.py of an application that ignores sqlalchemy.url and uses its own engine."""

from alembic import context
from frozen_app.models import engine

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
