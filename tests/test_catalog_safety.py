"""The snapshot is safe on production: read-only, bounded by timeouts, named, and it never waits
behind DDL for longer than lock_timeout.

What locks it takes (see the pgdrift.catalog docstring): PostgreSQL's deparsing functions
(pg_get_indexdef, pg_get_constraintdef, pg_get_expr, pg_get_viewdef) open the relations they
describe with AccessShareLock, the weakest lock, held until the snapshot's transaction ends (tens
of milliseconds for an application-sized schema). A waiting AccessShareLock request does not
block other readers, so queueing behind a migration's ACCESS EXCLUSIVE lock harms nobody, and
lock_timeout bounds that wait; the error then says a DDL is in progress.
"""

from __future__ import annotations

import threading
import time

import pytest

from pgdrift.catalog import CatalogSession, read_snapshot, read_snapshot_from_session
from pgdrift.connect import open_session, parse_dsn
from pgdrift.errors import CatalogError, QueryTimeout
from tests.support import TestServer, connect

SCHEMA = """
CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL DEFAULT 'x');
CREATE INDEX accounts_email ON accounts (lower(email)) WHERE id > 0;
CREATE VIEW account_emails AS SELECT email FROM accounts;
CREATE MATERIALIZED VIEW account_count AS SELECT count(*) FROM accounts;
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO alembic_version VALUES ('abc');
"""


def test_snapshot_gives_up_behind_ddl_within_lock_timeout(server: TestServer) -> None:
    dsn = server.create_database(SCHEMA)
    holder = connect(dsn)
    reader = connect(dsn)
    try:
        # Given a migration in progress, holding ACCESS EXCLUSIVE on a table (ALTER TABLE)
        holder.run("BEGIN")
        holder.run("ALTER TABLE accounts ADD COLUMN pending_migration text")
        # When pgdrift takes a snapshot with a short lock_timeout
        options = parse_dsn(dsn).with_timeouts(lock_ms=300, statement_ms=10_000)
        started = time.monotonic()
        with pytest.raises(QueryTimeout) as raised:
            read_snapshot(options)
        # Then it stops waiting after lock_timeout, long before statement_timeout, and says why
        assert time.monotonic() - started < 5
        assert "lock_timeout (300 ms)" in str(raised.value)
        assert "DDL" in str(raised.value)
        # ...and an application query on another table was never blocked by pgdrift
        assert reader.run("SELECT count(*) FROM alembic_version") == [[1]]
    finally:
        holder.run("ROLLBACK")
        holder.close()
        reader.close()
    # Once the migration ends, the snapshot succeeds.
    assert "public.accounts" in read_snapshot(parse_dsn(dsn)).of_kind("table")


def test_snapshot_holds_only_access_share_locks_and_releases_them(server: TestServer) -> None:
    dsn = server.create_database(SCHEMA)
    options = parse_dsn(dsn)
    session = CatalogSession(open_session(options), options)
    try:
        read_snapshot_from_session(session)
        held = session.connection.run(
            "SELECT DISTINCT l.mode FROM pg_locks AS l WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation'")
        # Never anything stronger than AccessShareLock, the lock a plain SELECT takes.
        assert held == [["AccessShareLock"]]
    finally:
        session.close()
    # After the snapshot a migration gets its ACCESS EXCLUSIVE lock at once.
    migration = connect(dsn)
    try:
        migration.run("SET lock_timeout = '200ms'")
        migration.run("ALTER TABLE accounts ADD COLUMN later text")
    finally:
        migration.close()


def test_session_is_read_only_named_and_bounded(server: TestServer) -> None:
    options = parse_dsn(server.create_database(SCHEMA)).with_timeouts(statement_ms=4321, lock_ms=321)
    connection = open_session(options)
    try:
        settings = connection.run(
            "SELECT current_setting('application_name'), current_setting('statement_timeout'), "
            "current_setting('lock_timeout'), current_setting('transaction_read_only'), "
            "current_setting('transaction_isolation')")[0]
        assert settings == ["pgdrift", "4321ms", "321ms", "on", "repeatable read"]
        with pytest.raises(Exception, match="read-only transaction"):
            connection.run("CREATE TABLE sneaky (id int)")
    finally:
        connection.close()


def test_statement_timeout_stops_a_slow_catalog_query(server: TestServer) -> None:
    options = parse_dsn(server.create_database(SCHEMA)).with_timeouts(statement_ms=200)
    session = CatalogSession(open_session(options), options)
    try:
        with pytest.raises(Exception) as raised:
            session.rows("SELECT pg_sleep(5)", "reading tables of database 'x'")
        assert "statement_timeout (200 ms)" in str(raised.value)
        assert "reading tables" in str(raised.value)
    finally:
        session.close()


def test_concurrent_snapshots_agree(server: TestServer) -> None:
    dsn = server.create_database(SCHEMA)
    fingerprints: list[str] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            fingerprints.append(read_snapshot(parse_dsn(dsn)).fingerprint)
        except (CatalogError, OSError) as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(fingerprints)) == 1 and len(fingerprints) == 4
