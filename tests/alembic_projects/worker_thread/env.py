"""env.py that refuses the main thread, as the application's own upgrade command never uses it."""

import threading

from alembic import context
from sqlalchemy import engine_from_config, pool

if threading.current_thread() is threading.main_thread():
    raise RuntimeError("env.py must not run on the main thread: the application runs upgrades in a worker thread")
config = context.config
connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                 poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
