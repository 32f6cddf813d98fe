"""The snapshot is safe on production: read-only, bounded by timeouts, named, and it never waits
behind DDL for longer than lock_timeout.

What locks it takes (see the pgdrift.catalog.reader docstring): PostgreSQL's deparsing functions
(pg_get_expr, pg_get_constraintdef, pg_get_indexdef, pg_get_triggerdef...) take AccessShareLock,
the lock a plain SELECT takes, on the relation they describe and release it at once; only
pg_get_viewdef and pg_get_ruledef keep it (on the tables each view or rule reads) until the
transaction ends. The views and rules are read last and the transaction ends right after, so
nothing is held for longer than that one round trip. Behind a migration's ACCESS EXCLUSIVE lock,
a snapshot waits at most lock_timeout and says a DDL is in progress; a waiting AccessShareLock
request blocks no other reader.
"""

from __future__ import annotations

import threading
import time

import pytest

from pgdrift.catalog.connect import open_session, parse_dsn
from pgdrift.catalog.reader import CatalogSession, read_snapshot, read_snapshot_from_session
from pgdrift.errors import CatalogError, QueryTimeout
from tests.support import TestServer, connect

SCHEMA = """
CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL DEFAULT 'x');
CREATE INDEX accounts_email ON accounts (lower(email)) WHERE id > 0;
CREATE VIEW account_emails AS SELECT email FROM accounts;
CREATE MATERIALIZED VIEW account_count AS SELECT count(*) FROM accounts;
CREATE TABLE account_log (email text);
CREATE RULE accounts_logged AS ON UPDATE TO accounts DO ALSO INSERT INTO account_log VALUES (NEW.email);
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


def test_only_the_view_and_rule_query_locks_anything_and_only_until_it_is_done(
        server: TestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    dsn = server.create_database(SCHEMA)
    user_locks = ("SELECT c.relname, l.mode FROM pg_locks AS l JOIN pg_class AS c ON c.oid = l.relation "
                  "JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE l.pid = pg_backend_pid() "
                  "AND n.nspname = 'public' ORDER BY 1")
    seen: dict[str, list[list[str]]] = {}
    run_batch = CatalogSession.json_texts

    def recording(self: CatalogSession, file_names: list[str], operation: str, **parameters: object) -> list[str]:
        texts = run_batch(self, file_names, operation, **parameters)
        seen[",".join(file_names)] = self.connection.run(user_locks)  # still inside the read's transaction
        return texts

    monkeypatch.setattr(CatalogSession, "json_texts", recording)
    options = parse_dsn(dsn)
    session = CatalogSession(open_session(options), options)
    try:
        snapshot = read_snapshot_from_session(session)
        after = session.connection.run(user_locks)
    finally:
        session.close()
    assert snapshot.meta.alembic.revisions == ("abc",)  # read, and its lock released with the savepoint
    views_and_rules = seen.pop("views.sql,rules.sql")
    # Every other catalog query, the version table included, holds no lock on any user relation...
    assert seen and all(locks == [] for locks in seen.values()), seen
    # ...the views' and rules' round trip holds the lock a plain SELECT takes, on the tables the
    # views and the rule read...
    assert views_and_rules == [["account_log", "AccessShareLock"], ["accounts", "AccessShareLock"]]
    # ...and the read ends its transaction right after it: nothing is held once it returns.
    assert after == []


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
