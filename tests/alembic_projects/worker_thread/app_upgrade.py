"""The application's own upgrade command: `command.upgrade` in a worker thread of its event loop."""

import asyncio
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config


async def upgrade(url: str) -> None:
    config = Config(str(Path(__file__).with_name("alembic.ini")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    await asyncio.to_thread(command.upgrade, config, "head")


asyncio.run(upgrade(sys.argv[1]))
