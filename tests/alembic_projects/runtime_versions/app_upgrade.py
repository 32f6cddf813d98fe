"""The application's own upgrade command: it points Alembic at its revisions at run time."""

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

config = Config(str(Path(__file__).with_name("alembic.ini")))
config.set_main_option("sqlalchemy.url", sys.argv[1].replace("%", "%%"))
config.set_main_option("version_locations", str(Path(__file__).with_name("app_revisions")))
command.upgrade(config, "head")
