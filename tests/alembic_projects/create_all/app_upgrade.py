"""The application's own upgrade command: create_all, then alembic upgrade head."""

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).parent))
from ca_app.models import metadata

engine = create_engine(sys.argv[1])
metadata.create_all(engine)
engine.dispose()
config = Config(str(Path(__file__).with_name("alembic.ini")))
config.set_main_option("sqlalchemy.url", sys.argv[1].replace("%", "%%"))
command.upgrade(config, "head")
