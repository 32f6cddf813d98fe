"""Helpers for the ledger/check/compare tests: build ledgers and migrated databases on a test server."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from alembic import command

from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import read_snapshot
from pgdrift.migrations.ledger import Ledger
from pgdrift.migrations.replay import ScratchDatabase, load_config, replay
from pgdrift.schema.model import Snapshot
from tests.support import TestServer, execute

PROJECTS = Path(__file__).resolve().parent
_counter = itertools.count()


def ini(project: str) -> Path:
    return PROJECTS / project / "alembic.ini"


def fresh_name(stem: str) -> str:
    return f"{stem}_{os.getpid()}_{next(_counter)}"


def scratch(server: TestServer) -> ScratchDatabase:
    assert server.embedded is not None
    name = fresh_name("scratch")
    return ScratchDatabase(server.create_database(name=name), server.embedded.sqlalchemy_url(name))


def build(server: TestServer, project: str) -> Ledger:
    ledger, _ = replay(ini(project), scratch(server))
    return ledger


def migrated(
    server: TestServer, project: str, revision: str | tuple[str, ...], sql: str | None = None
) -> str:
    """A new database upgraded with Alembic to `revision`(s) (then changed by `sql`); its DSN."""
    assert server.embedded is not None
    name = fresh_name(project)
    dsn = server.create_database(name=name)
    config = load_config(ini(project))
    config.set_main_option("sqlalchemy.url", server.embedded.sqlalchemy_url(name))
    for target in (revision,) if isinstance(revision, str) else revision:
        command.upgrade(config, target)
    if sql:
        execute(dsn, sql)
    return dsn


def snapshot(dsn: str) -> Snapshot:
    return read_snapshot(parse_dsn(dsn))
