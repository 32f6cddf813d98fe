"""Read once, at import: the database URL (FROZEN_APP_DATABASE_URL), else a local SQLite file."""

import os

DATABASE_URL = os.environ.get("FROZEN_APP_DATABASE_URL", "sqlite:///frozen_app.db")
