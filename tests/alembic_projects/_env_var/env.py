"""An env.py that ignores alembic.ini and reads the URL from APP_DATABASE_URL, as many projects do."""

import os

from alembic import context
from sqlalchemy import create_engine, pool

connectable = create_engine(os.environ["APP_DATABASE_URL"], poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
