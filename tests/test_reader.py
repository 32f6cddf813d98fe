"""The snapshot reader's connections: two connections reading one MVCC snapshot, falling back to
one, reading again over the same connections, and holding nothing between reads."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

import pytest

from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import ReadOptions, SnapshotReader, batches, read_snapshot
from pgdrift.schema import snapshot_io
from pgdrift.schema.kinds import KINDS
from tests.support import TestServer, connect, execute
from tests.test_catalog import all_kinds

ONE = ReadOptions(jobs=1)
TWO = ReadOptions(jobs=2)


def test_every_kind_is_read_in_exactly_one_batch() -> None:
    names = [name for batch in batches() for name in batch]
    assert sorted(names) == sorted(kind.name for kind in KINDS)
    assert len(names) == len(set(names))


def test_two_connections_read_what_one_reads(server: TestServer) -> None:
    dsn, _ = all_kinds(server)
    one = read_snapshot(parse_dsn(dsn), ONE)
    with SnapshotReader(parse_dsn(dsn), TWO) as reader:
        two = reader.read()
        assert len(reader._helpers) == 1  # the second connection did take part, and is kept
    assert two.fingerprint == one.fingerprint
    assert snapshot_io.to_document(two)["objects"] == snapshot_io.to_document(one)["objects"]


def test_a_role_limited_to_one_connection_still_gets_its_snapshot(server: TestServer,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    dsn = server.create_database("CREATE TABLE t (id int PRIMARY KEY, v text CHECK (v <> '')); "
                                 "CREATE INDEX t_v ON t (v); CREATE VIEW tv AS SELECT v FROM t;")
    database = parse_dsn(dsn).database
    role = f"single_{database}"  # roles are cluster-wide; databases are per test process
    admin = server.admin(database)
    try:
        admin.run(f"DROP ROLE IF EXISTS {role}")
        admin.run(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 1 PASSWORD 'single-secret'")
    finally:
        admin.close()
    options = parse_dsn(server.dsn_for(database, user=role, password="single-secret", tcp=True))
    # Listen on the module's logger itself: the Lambda tests' Powertools logger ("pgdrift") stops
    # propagation to the root logger, where caplog listens, and the Alembic projects' env.py
    # (logging.config.fileConfig) disables the loggers that exist when it runs.
    logger = logging.getLogger("pgdrift.catalog.reader")
    logger.addHandler(caplog.handler)
    was_disabled, logger.disabled = logger.disabled, False
    try:
        with caplog.at_level(logging.INFO, logger="pgdrift.catalog.reader"), SnapshotReader(options, TWO) as reader:
            snapshot = reader.read()
            # The read does not wait for a connection still being opened; the test does.
            for thread in threading.enumerate():
                if thread.name.startswith("pgdrift-catalog-"):
                    thread.join(timeout=30)
            assert reader._helpers == []  # the second connection was refused; the read went on without it
    finally:
        logger.removeHandler(caplog.handler)
        logger.disabled = was_disabled
    assert "connection 1 for the snapshot is unavailable" in caplog.text
    assert reader.jobs == 1  # later reads of this reader do not try again
    assert "too many connections" in caplog.text and "single-secret" not in caplog.text
    # Reading the catalog needs no privileges: the superuser reads the same.
    assert snapshot.fingerprint == read_snapshot(parse_dsn(dsn), ONE).fingerprint
    assert set(snapshot.of_kind("index")) == {"public.t_v"}


def test_a_reader_reads_again_and_holds_no_lock_between_reads(server: TestServer) -> None:
    dsn = server.create_database("CREATE TABLE t (id int PRIMARY KEY, v text); CREATE INDEX t_v ON t (v);")
    with SnapshotReader(parse_dsn(dsn), TWO) as reader:
        first = reader.read()
        # A migration's ACCESS EXCLUSIVE lock would queue behind any lock the reader still held.
        execute(dsn, "SET lock_timeout = '200ms'; ALTER TABLE t ADD COLUMN w int; DROP INDEX t_v;")
        second = reader.read()
        trips_after_two_reads = reader.round_trips
    assert "public.t.w" not in first.of_kind("column") and "public.t.w" in second.of_kind("column")
    assert "public.t_v" in first.of_kind("index") and "public.t_v" not in second.of_kind("index")
    assert second.fingerprint == read_snapshot(parse_dsn(dsn), ONE).fingerprint
    assert trips_after_two_reads < 2 * 25


def test_no_transaction_is_left_open_after_a_read(server: TestServer) -> None:
    dsn = server.create_database("CREATE TABLE t (id int);")
    database = parse_dsn(dsn).database
    with SnapshotReader(parse_dsn(dsn), TWO) as reader:
        reader.read()
        watcher = connect(dsn)
        try:
            states = watcher.run("SELECT state FROM pg_stat_activity WHERE datname = :db AND "
                                 "application_name = 'pgdrift' ORDER BY 1", db=database)
        finally:
            watcher.close()
    assert [row[0] for row in states] == ["idle", "idle"]  # both connections, both out of a transaction


def test_a_failed_query_on_either_connection_fails_the_read(server: TestServer) -> None:
    dsn = server.create_database("CREATE TABLE t (id int);")
    options = replace(parse_dsn(dsn), statement_timeout_ms=1)
    with pytest.raises(Exception, match="statement_timeout"), SnapshotReader(options, TWO) as reader:
        reader.read()


def test_messages_name_kinds_in_plain_english() -> None:
    plurals = {kind.name: kind.plural for kind in KINDS}
    assert (plurals["index"], plurals["policy"], plurals["column"]) == ("indexes", "policies", "columns")


def test_a_server_that_cannot_export_its_snapshot_is_read_over_one_connection(
        server: TestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import pgdrift.catalog.reader as catalog

    dsn = server.create_database("CREATE TABLE t (id int PRIMARY KEY);")
    real = catalog._read_server
    calls: list[bool] = []

    def refusing_export(session: catalog.CatalogSession, export: bool) -> tuple[str, int, str, str | None]:
        calls.append(export)
        if export:  # fails inside the transaction, as a server refusing pg_export_snapshot would
            session.rows("SELECT 1/0", "reading the server version")
        return real(session, export)

    monkeypatch.setattr(catalog, "_read_server", refusing_export)
    with SnapshotReader(parse_dsn(dsn), TWO) as reader:
        snapshot = reader.read()
    assert calls == [True, False]  # tried to export, then read in a fresh transaction without
    assert snapshot.fingerprint == read_snapshot(parse_dsn(dsn), ONE).fingerprint
    assert set(snapshot.of_kind("table")) == {"public.t"}


def test_the_lambdas_time_budget_cuts_every_connection_of_a_stuck_read(server: TestServer) -> None:
    from pgdrift.errors import QueryTimeout
    from pgdrift.monitor.run import read_within

    dsn = server.create_database("CREATE TABLE accounts (id int PRIMARY KEY); "
                                 "CREATE VIEW account_ids AS SELECT id FROM accounts;")
    database = parse_dsn(dsn).database
    migration = connect(dsn)
    try:
        # A migration holds ACCESS EXCLUSIVE on a table a view reads, and the read's own limits
        # (lock_timeout, statement_timeout) are far longer than what the Lambda has left.
        migration.run("BEGIN")
        migration.run("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE")
        options = parse_dsn(dsn).with_timeouts(lock_ms=60_000, statement_ms=60_000)
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"not done within 1\.0 s, the time the Lambda had left"):
            read_within(options, TWO, budget_ms=1000)
        assert time.monotonic() - started < 10
    finally:
        migration.run("ROLLBACK")
        migration.close()
    # Neither connection is left behind on the server.
    watcher = connect(dsn)
    try:
        for _ in range(50):
            left = watcher.run("SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                               "AND application_name = 'pgdrift'", db=database)[0][0]
            if left == 0:
                break
            time.sleep(0.1)
    finally:
        watcher.close()
    assert left == 0
