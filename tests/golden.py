"""Golden drift cases: `tests/cases/<name>/{before.sql, after.sql, expected.json[, config.toml]}`.

before.sql builds the expected schema, after.sql the actual one; expected.json holds the
findings in their JSON-report form without volatile details (reasons and evidence are checked
separately). Shared by tests/test_cases.py and the human-only `python -m tests.update_golden`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pgdrift.catalog.connect import open_session, parse_dsn
from pgdrift.catalog.reader import CatalogSession, read_snapshot_from_session
from pgdrift.compare.config import DriftConfig, read_config
from pgdrift.compare.findings import Change
from pgdrift.schema.model import Snapshot
from tests.support import TestServer

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(path.name for path in CASES_DIR.iterdir() if (path / "before.sql").exists())


def golden_form(change: Change) -> dict[str, Any]:
    value: dict[str, Any] = {
        "kind": change.kind, "change": change.change, "object": change.object,
        "attribute": change.attribute, "expected": change.expected, "actual": change.actual,
        "severity": change.severity,
    }
    if change.confidence is not None:
        value["confidence"] = change.confidence
    if change.waiver is not None:
        value["waiver"] = "expired" if change.waiver.expired else "active"
    return value


def case_config(case: str) -> DriftConfig | None:
    path = CASES_DIR / case / "config.toml"
    return read_config(path) if path.exists() else None


#: server label -> this process's scratch database on it (created once, never changed).
_SCRATCH: dict[str, str] = {}


def case_snapshot(server: TestServer, case: str, side: str) -> Snapshot:
    """Apply before.sql or after.sql to a pristine database and read it back.

    The script runs inside a transaction on a scratch database, the catalog reader reads in that
    same transaction, and the transaction is rolled back: every case sees a database as fresh as
    a new one, without paying ~0.5 s per CREATE DATABASE (DDL, roles included, is transactional).
    """
    sql = (CASES_DIR / case / f"{side}.sql").read_text(encoding="utf-8")
    if server.label not in _SCRATCH:
        _SCRATCH[server.label] = server.create_database()
    options = parse_dsn(_SCRATCH[server.label])
    connection = open_session(options)  # the reader's own session settings, in a read-only transaction
    try:
        connection.run("ROLLBACK")
        connection.run("START TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        connection.run("SET LOCAL search_path TO public")
        connection.run(sql)
        connection.run("SET LOCAL search_path TO pg_catalog")
        return read_snapshot_from_session(CatalogSession(connection, options))
    finally:
        connection.run("ROLLBACK")
        connection.close()
