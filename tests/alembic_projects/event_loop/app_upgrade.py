"""The application's own upgrade command (Alembic cookbook: programmatic API use with asyncio)."""

import asyncio
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import create_async_engine


async def upgrade(url: str) -> None:
    config = Config(str(Path(__file__).with_name("alembic.ini")))
    engine = create_async_engine(url)

    def run(connection: object) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(run)
    await engine.dispose()


asyncio.run(upgrade(sys.argv[1]))
