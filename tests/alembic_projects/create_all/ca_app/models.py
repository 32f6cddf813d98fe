"""The base tables, as the application creates them before `alembic upgrade head`."""

import sqlalchemy as sa

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("email", sa.Text, nullable=False))
