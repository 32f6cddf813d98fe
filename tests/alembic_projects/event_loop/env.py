"""env.py that only runs with the connection the application's event loop hands it."""

import asyncio

from alembic import context

connection = context.config.attributes.get("connection")
asyncio.get_running_loop()  # "no running event loop" outside the application's upgrade command
if connection is None:
    raise RuntimeError("no connection in config.attributes: run through the application's upgrade command")
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
