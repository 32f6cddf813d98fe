"""The application's models module, which connects at import as many applications do."""

from sqlalchemy import create_engine

from frozen_app.settings import DATABASE_URL

engine = create_engine(DATABASE_URL)
STATUS_VALUES = ("new", "done")
