"""Connects, whatever the URL says, to the database in BYPASS_DECOY_SOCKET/BYPASS_DECOY_DATABASE."""

import os

import pg8000.dbapi
from alembic import context
from sqlalchemy import create_engine, pool


def elsewhere() -> pg8000.dbapi.Connection:
    return pg8000.dbapi.connect("postgres", database=os.environ["BYPASS_DECOY_DATABASE"],
                                unix_sock=os.environ["BYPASS_DECOY_SOCKET"])


engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "", creator=elsewhere,
                       poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
