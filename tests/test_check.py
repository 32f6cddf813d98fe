"""`pgdrift check`: a live database placed in the Alembic graph, pending migrations, hazards, drift."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest

from pgdrift.cli import main
from pgdrift.compare.analyze import grade
from pgdrift.compare.findings import Change, Report
from pgdrift.compare.type_rules import TypeCompatibility, compatibility, narrows, widens
from pgdrift.errors import PermissionDenied, UnknownRevision
from pgdrift.migrations import ledger as ledger_module
from pgdrift.migrations import statements
from pgdrift.migrations.check import check, pending_migrations
from pgdrift.migrations.ledger import Ledger, Revision, build_ledger
from pgdrift.render import render
from pgdrift.schema import model
from pgdrift.vocabulary import Cause, ChangeType, HazardKind, Severity, VersionTableStatus
from tests.alembic_projects.support import build, migrated, snapshot
from tests.conftest import _get_server
from tests.drift_support import contradictions
from tests.drift_support import snapshot as made_snapshot
from tests.support import TestServer, execute


@pytest.fixture(scope="module")
def server(_servers: dict[str, TestServer]) -> Iterator[TestServer]:
    yield _get_server(_servers, "pg18")


@pytest.fixture(scope="module")
def linear(server: TestServer) -> Ledger:
    return build(server, "linear")


@pytest.fixture(scope="module")
def linear_file(linear: Ledger, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ledger") / "linear.json.gz"
    path.write_bytes(ledger_module.dumps(linear))
    return str(path)


@pytest.fixture(scope="module")
def branched(server: TestServer) -> Ledger:
    return build(server, "branched")


def _by_cause(report: Report, cause: str) -> dict[tuple[str, str, str], str | None]:
    return {(c.kind, c.change, c.object): c.migration for c in report.changes if c.cause == cause}


def test_at_head_and_clean(server: TestServer, linear: Ledger, linear_file: str) -> None:
    dsn = migrated(server, "linear", "head")
    report = check(snapshot(dsn), linear)
    assert report.migrations is not None
    assert report.migrations.state == "at_head"
    assert report.migrations.live_revisions == ("l004",) and report.migrations.lag_revisions == 0
    assert report.changes == () and report.status == "clean"
    assert main(["check", dsn, "--expected", linear_file, "--format", "json", "-o", "/dev/null"]) == 0


def test_report_sides_carry_object_counts(server: TestServer, linear: Ledger) -> None:
    # Given a database behind head, checked against the ledger and against a plain snapshot
    live = snapshot(migrated(server, "linear", "l002"))
    head = linear.expected_at(None)
    for report in (check(live, linear), check(live, head)):
        # Then both sides carry the object counts the "% of expected" figure needs
        assert dict(report.expected.object_counts) == head.counts()
        assert dict(report.actual.object_counts) == live.counts()
        assert dict(report.actual.object_counts)["table"] > 0
        assert render_json_counts(report) == (head.counts(), live.counts())
    # And the revisions still name the ledger's heads and the live revision
    report = check(live, linear)
    assert report.expected.revisions == linear.heads and report.actual.revisions == ("l002",)


def render_json_counts(report: Report) -> tuple[dict[str, int], dict[str, int]]:
    document = json.loads(render(report, "json"))
    return document["expected"]["object_counts"], document["actual"]["object_counts"]


def test_behind_with_no_drift(server: TestServer, linear: Ledger, linear_file: str) -> None:
    dsn = migrated(server, "linear", "l002")
    report = check(snapshot(dsn), linear)
    status = report.migrations
    assert status is not None and status.state == "behind"
    assert [p.revision for p in status.pending] == ["l003", "l004"]
    assert status.lag_revisions == 2
    assert status.lag_days == 8.08  # 2026-01-02 10:00 -> 2026-01-10 12:00
    assert status.live_date == "2026-01-02T10:00:00" and status.head_date == "2026-01-10T12:00:00"
    # Nothing is out of band; everything is explained by a pending migration.
    assert _by_cause(report, "out_of_band") == {}
    pending = _by_cause(report, "pending_migration")
    assert pending[("enum", "missing", "public.order_status")] == "l003"
    assert pending[("index", "missing", "public.ix_users_name")] == "l004"
    assert {p.revision: [c.object for c in p.changes if c.kind == "enum"] for p in status.pending} == {
        "l003": ["public.order_status"],
        "l004": [],
    }
    # Being behind is no failure in itself (issue 15: the state between a merge and a deploy);
    # l003 and l004's destructive operations are, by default
    assert main(["check", dsn, "--expected", linear_file, "-o", "/dev/null", "--fail-on", "out-of-band"]) == 0
    assert main(["check", dsn, "--expected", linear_file, "-o", "/dev/null"]) == 1
    assert main(["check", dsn, "--expected", linear_file, "-o", "/dev/null", "--fail-on", "pending"]) == 1


def test_destructive_operations_of_pending_migrations(server: TestServer, linear: Ledger) -> None:
    dsn = migrated(
        server,
        "linear",
        "l003",
        sql="INSERT INTO users VALUES (1, 'a@b.c', 'A');"
        "INSERT INTO orders (id, user_id) SELECT n, 1 FROM generate_series(1, 500) AS n; ANALYZE;",
    )
    status = check(snapshot(dsn), linear).migrations
    assert status is not None
    hazards = {(h.type, h.object): h.message for p in status.pending for h in p.hazards}
    assert (
        "drops column total (numeric(12,2)) of public.orders"
        in hazards[(HazardKind.DESTRUCTIVE, "public.orders.total")]
    )
    rename = hazards[(HazardKind.DESTRUCTIVE, "public.orders")]
    assert "renames table public.orders to public.purchases" in rename and "500 rows" in rename


def _made_ledger(*schemas: dict[str, dict[str, str]]) -> Ledger:
    """A ledger r1, r2, ... whose revision n leaves the schema `schemas[n]` (r0 is `schemas[0]`)."""
    steps = [(Revision(f"r{n}", (f"r{n - 1}",) if n > 1 else (), f"step {n}"), made_snapshot(tables))
             for n, tables in enumerate(schemas) if n]
    return build_ledger(steps, made_snapshot(schemas[0]), [f"r{len(schemas) - 1}"], "made", "2026-02-02T00:00:00Z")


def test_dropping_what_the_live_database_lacks_loses_nothing() -> None:
    # Given pending r2 adds a column and r3 drops it again, and r3 drops a table that the live
    # database (at r1) has already lost
    ledger = _made_ledger(
        {"users": {"id": "bigint"}, "old": {"id": "bigint"}},
        {"users": {"id": "bigint"}, "old": {"id": "bigint"}},
        {"users": {"id": "bigint", "nickname": "text"}, "old": {"id": "bigint"}},
        {"users": {"id": "bigint"}},
    )
    live = made_snapshot({"users": {"id": "bigint"}}, rows={"users": 10})

    # When the hazards of the pending migrations are weighed against it
    pending = pending_migrations(ledger, ledger.pending("r1"), ledger.expected_at("r1"), live)

    # Then no data loss is announced for values the live database never had
    destructive = [h for p in pending for h in p.hazards if h.type == HazardKind.DESTRUCTIVE]
    assert destructive == []
    # and the table already gone out of band is a conflict, not a drop
    conflicts = {h.object for p in pending for h in p.hazards if h.type == HazardKind.CONFLICT}
    assert "public.old" in conflicts


def _conflicting(report: Report) -> set[str]:
    assert report.migrations is not None
    return {h.object for p in report.migrations.pending for h in p.hazards if h.type == HazardKind.CONFLICT}


def test_what_a_migration_creates_if_not_exists_or_drops_if_exists_is_no_conflict(server: TestServer) -> None:
    # Given the pending i002 creates ix_items_name IF NOT EXISTS and ix_items_sku without, drops
    # ix_items_old and column legacy IF EXISTS and column retired without, adds column note IF NOT
    # EXISTS and column price without; and a database at i001 where all of it was done by hand
    ledger = build(server, "if_exists")
    dsn = migrated(server, "if_exists", "i001", sql="""
        CREATE INDEX ix_items_name ON items (name);
        CREATE INDEX ix_items_sku ON items (sku);
        DROP INDEX ix_items_old;
        ALTER TABLE items DROP COLUMN legacy, DROP COLUMN retired, ADD COLUMN note text,
            ADD COLUMN price numeric(12,2);
    """)
    live = snapshot(dsn)

    # When it is checked, then only the statements without the guard conflict (issue 15)
    report = check(live, ledger)
    assert _conflicting(report) == {"public.ix_items_sku", "public.items.retired", "public.items.price"}
    # and nothing the live database lacks is announced as lost data
    assert report.migrations is not None
    assert [h for p in report.migrations.pending for h in p.hazards if h.type == HazardKind.DESTRUCTIVE] == []
    # and a ledger without statements (format 1) keeps every conflict, as before
    unknown = Ledger([dataclasses.replace(r, statements=None) for r in ledger.revisions], ledger.heads,
                     ledger.head_snapshot, ledger.source, ledger.built_at)
    assert _conflicting(check(live, unknown)) == {
        "public.ix_items_name", "public.ix_items_sku", "public.ix_items_old", "public.items.legacy",
        "public.items.note", "public.items.retired", "public.items.price",
    }


@pytest.mark.parametrize(("statement", "kind", "key", "table", "guarded"), [
    ("CREATE INDEX IF NOT EXISTS ix_a ON t (a)", "index", "public.ix_a", "public.t", True),
    ("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix_a ON t (a)", "index", "public.ix_a", "public.t", True),
    ("CREATE INDEX ix_a ON t (a)", "index", "public.ix_a", "public.t", False),
    ("CREATE INDEX IF NOT EXISTS ix_b ON t (a)", "index", "public.ix_a", "public.t", False),
    ('CREATE TABLE IF NOT EXISTS public."Things" (id int PRIMARY KEY)', "table", 'public."Things"', None, True),
    ("CREATE TABLE IF NOT EXISTS things (id int)", "table", 'public."Things"', None, False),
    ("CREATE TABLE IF NOT EXISTS other.t (id int)", "table", "public.t", None, False),
    ("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY)", "index", "public.t_pkey", "public.t", True),
    ("ALTER TABLE t ADD COLUMN IF NOT EXISTS c int", "column", "public.t.c", "public.t", True),
    ("ALTER TABLE t ADD IF NOT EXISTS c int, ADD COLUMN d int", "column", "public.t.d", "public.t", False),
    ("ALTER TABLE u ADD COLUMN IF NOT EXISTS c int", "column", "public.t.c", "public.t", False),
    ("CREATE TYPE mood AS ENUM ('a')", "enum", "public.mood", None, False),
    ("CREATE INDEX IF NOT EXISTS ix_a ON t (a)", "index", "public.ix_a", None, True),
])
def test_creates_if_not_exists(statement: str, kind: str, key: str, table: str | None, guarded: bool) -> None:
    assert statements.creates_if_not_exists([statement], kind, key, table) is guarded


@pytest.mark.parametrize(("statement", "kind", "key", "table", "guarded"), [
    ("DROP INDEX IF EXISTS ix_a", "index", "public.ix_a", "public.t", True),
    ("DROP INDEX CONCURRENTLY IF EXISTS public.ix_a", "index", "public.ix_a", "public.t", True),
    ("DROP INDEX ix_a", "index", "public.ix_a", "public.t", False),
    ("DROP TABLE IF EXISTS a, public.b CASCADE", "table", "public.b", None, True),
    ("DROP TABLE IF EXISTS t", "column", "public.t.c", "public.t", True),
    ("ALTER TABLE ONLY public.t DROP COLUMN IF EXISTS c", "column", "public.t.c", "public.t", True),
    ("ALTER TABLE t DROP COLUMN c", "column", "public.t.c", "public.t", False),
    ("ALTER TABLE t DROP CONSTRAINT IF EXISTS ck", "constraint", "public.t.ck", "public.t", True),
    ("DROP TYPE IF EXISTS mood", "enum", "public.mood", None, True),
])
def test_drops_if_exists(statement: str, kind: str, key: str, table: str | None, guarded: bool) -> None:
    assert statements.drops_if_exists([statement], kind, key, table) is guarded


def test_unknown_statements_guard_nothing() -> None:
    assert not statements.creates_if_not_exists(None, "index", "public.ix_a", "public.t")
    assert not statements.drops_if_exists((), "index", "public.ix_a", "public.t")


def test_a_pending_rename_reads_from_the_old_name_to_the_new(server: TestServer, linear: Ledger) -> None:
    # Given a database at l003, where the pending l004 renames orders to purchases
    report = check(snapshot(migrated(server, "linear", "l003")), linear)

    # Then the rename is said in the migration's direction
    (rename,) = [c for c in report.changes if c.change == "renamed"]
    assert rename.cause == Cause.PENDING_MIGRATION
    assert rename.reason.startswith(
        "table public.orders is still under its old name: a pending migration renames it to public.purchases")


def test_narrowing_type_changes_are_destructive(server: TestServer, linear: Ledger) -> None:
    status = check(snapshot(migrated(server, "linear", "l002")), linear).migrations
    assert status is not None
    l003 = next(p for p in status.pending if p.revision == "l003")
    assert [h.object for h in l003.hazards if h.type == "destructive"] == ["public.users.email"]
    assert "from character varying(200) to character varying(100)" in l003.hazards[0].message


@pytest.mark.parametrize(
    ("old", "new", "narrowing"),
    [
        ("bigint", "integer", True),
        ("integer", "bigint", False),
        ("text", "character varying(10)", True),
        ("character varying(10)", "text", False),
        ("character varying(20)", "character varying(10)", True),
        ("numeric(12,2)", "numeric(10,2)", True),
        ("numeric(10,2)", "numeric(12,4)", False),
        ("double precision", "real", True),
        ("timestamp with time zone", "date", True),
        ("integer", "integer", False),
    ],
)
def test_narrowing(old: str, new: str, narrowing: bool) -> None:
    assert narrows(old, new) is narrowing


@pytest.mark.parametrize(
    ("expected", "actual", "wider"),
    [
        ("integer", "bigint", True),
        ("bigint", "integer", False),
        ("character varying(10)", "text", True),
        ("character varying(10)", "character varying(20)", True),
        ("numeric(10,2)", "numeric(12,4)", True),
        ("bit(3)", "bit(5)", False),
        ("integer", "text", False),
    ],
)
def test_widening(expected: str, actual: str, wider: bool) -> None:
    # A change can be neither wider nor narrowing (integer -> text): the two rules are not inverses.
    assert widens(expected, actual) is wider


@pytest.mark.parametrize(
    ("expected", "actual", "grade"),
    [
        ("character varying(10)", "text", TypeCompatibility.WIDENING),
        ("json", "jsonb", TypeCompatibility.SAME_FAMILY),
        ("jsonb", "json", TypeCompatibility.SAME_FAMILY),
        ("timestamp without time zone", "timestamp with time zone", TypeCompatibility.SAME_FAMILY),
        ("integer", "double precision", TypeCompatibility.LOSSLESS),
        ("integer", "text", TypeCompatibility.LOSSY),
        ("bigint", "integer", TypeCompatibility.LOSSY),
        ("text", "jsonb", TypeCompatibility.LOSSY),
    ],
)
def test_type_compatibility(expected: str, actual: str, grade: TypeCompatibility) -> None:
    assert compatibility(expected, actual) is grade


def test_json_to_jsonb_is_not_critical() -> None:
    # Given a live column stored as jsonb where the application expects json
    change = grade(Change("column", ChangeType.ALTERED, "public.events.payload", "type", "json", "jsonb"))

    # Then it is a compatible change, not "reads and writes may fail"
    assert change.severity == Severity.MEDIUM and "may fail" not in change.reason


def test_behind_with_out_of_band_drift_and_conflicts(server: TestServer, linear: Ledger) -> None:
    # Given a database at l002 changed by hand: an index dropped, one created under the name a pending
    # migration will use, a constraint a pending migration drops already gone, a column retyped
    # that a pending migration also retypes, and a table no migration made.
    dsn = migrated(
        server,
        "linear",
        "l002",
        sql="""
        DROP INDEX ix_users_email;
        CREATE INDEX ix_users_name ON users (email);
        ALTER TABLE users DROP CONSTRAINT ck_users_email_at;
        ALTER TABLE users ALTER COLUMN email TYPE varchar(300);
        CREATE TABLE scratch_notes (id int PRIMARY KEY, body text);
    """,
    )
    report = check(snapshot(dsn), linear)
    assert contradictions(report.changes) == []
    out_of_band = _by_cause(report, "out_of_band")
    # Then each out-of-band finding names the migration that shaped the expected object, or none.
    assert out_of_band[("index", "missing", "public.ix_users_email")] == "l002"
    assert out_of_band[("constraint", "missing", "public.users.ck_users_email_at")] == "l002"
    assert out_of_band[("column", "altered", "public.users.email")] == "l001"
    assert out_of_band[("table", "unexpected", "public.scratch_notes")] is None
    assert out_of_band[("index", "unexpected", "public.ix_users_name")] is None
    # And the pending migrations that will run into them are flagged.
    assert report.migrations is not None
    conflicts = {
        (h.revision, h.object): h.message
        for p in report.migrations.pending
        for h in p.hazards
        if h.type == "conflict"
    }
    assert "already exists" in conflicts[("l004", "public.ix_users_name")]
    assert "already lost" in conflicts[("l004", "public.users.ck_users_email_at")]
    assert (
        "already changed out of band to 'character varying(300)'" in conflicts[("l003", "public.users.email")]
    )
    # Hazards appear in every rendered format.
    for fmt in ("text", "markdown", "json", "html"):
        assert "ix_users_name" in render(report, fmt) and "already exists" in render(report, fmt)


def test_pending_findings_describe_the_live_database(server: TestServer, linear: Ledger) -> None:
    # Given a database at l002 changed by hand ahead of its pending migrations: the constraint l004
    # drops already dropped, the index l004 creates already created (same definition), and the
    # column l003 narrows widened instead
    dsn = migrated(
        server,
        "linear",
        "l002",
        sql="""
        ALTER TABLE users DROP CONSTRAINT ck_users_email_at;
        CREATE INDEX ix_users_name ON users (name);
        ALTER TABLE users ALTER COLUMN email TYPE varchar(300);
    """,
    )

    # When it is checked
    report = check(snapshot(dsn), linear)

    # Then no object is both missing and present
    assert contradictions(report.changes) == []
    # and the gone constraint is one out-of-band finding, not also "still here"
    constraint = [c for c in report.changes if c.object == "public.users.ck_users_email_at"]
    assert [(c.cause, c.change) for c in constraint] == [(Cause.OUT_OF_BAND, "missing")]
    # and the hand-made index is one finding that names the migration that creates it too
    (index,) = [c for c in report.changes if c.object == "public.ix_users_name"]
    assert index.cause == Cause.OUT_OF_BAND and "pending migration l004, which creates it too" in index.reason
    # and the pending narrowing of email is described from the live type
    email = [c for c in report.changes if c.object == "public.users.email" and c.cause == Cause.PENDING_MIGRATION]
    assert [(c.expected, c.actual) for c in email] == [("character varying(100)", "character varying(300)")]


def test_json_report_fields(server: TestServer, linear: Ledger) -> None:
    report = check(snapshot(migrated(server, "linear", "l003")), linear)
    document = json.loads(render(report, "json"))
    migrations = json.dumps(document)
    assert '"live_revision": "l003"' in migrations and '"head_revision": "l004"' in migrations
    assert '"lag": {"revisions": 1, "days": 5.0}' in migrations
    assert '"cause": "pending_migration"' in migrations and '"migration": "l004"' in migrations


def test_ahead_of_the_published_ledger_is_an_error(server: TestServer, linear: Ledger, linear_file: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # Given a database at a revision the ledger has not seen (a migration deployed before the
    # ledger was rebuilt). Compared with head, it would be drift; the ledger simply cannot tell.
    dsn = migrated(
        server, "linear", "head", sql="UPDATE alembic_version SET version_num = 'l005_from_a_branch'"
    )
    with pytest.raises(UnknownRevision) as raised:
        check(snapshot(dsn), linear)
    message = str(raised.value)
    assert "the database's revision l005_from_a_branch is unknown to this ledger, whose head is l004" in message
    assert "matches the ledger's revision l004 exactly" in message
    assert "another project's" in message and "ahead of the published ledger" in message
    assert raised.value.category == "unknown_revision"
    assert main(["check", dsn, "--expected", linear_file, "-o", "/dev/null"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("pgdrift: error: checking ") and "l005_from_a_branch" in line and linear_file in line


def test_the_ledger_of_another_project_is_an_error(server: TestServer, linear: Ledger, linear_file: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # Given a database of the "branched" project checked with the "linear" project's ledger
    dsn = migrated(server, "branched", "heads")
    with pytest.raises(UnknownRevision, match=r"the database's revision b3 is unknown to this ledger, whose head "
                                              r"is l004 \(its schema is closest to"):
        check(snapshot(dsn), linear)
    # Then the CLI exits 2 (an error), not 1 with a report of dozens of findings
    assert main(["check", dsn, "--expected", linear_file]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "another project's" in captured.err


def test_no_version_table(server: TestServer, linear: Ledger) -> None:
    dsn = migrated(server, "linear", "head", sql="DROP TABLE alembic_version")
    report = check(snapshot(dsn), linear)
    assert report.migrations is not None and report.migrations.state == "no_version_table"
    assert "no alembic_version table" in (report.migrations.detail or "")
    assert "matches revision l004 exactly: `alembic stamp l004`" in (report.migrations.detail or "")
    assert [(c.kind, c.change, c.object) for c in report.changes] == [
        ("table", "missing", "public.alembic_version")
    ]


def test_no_version_table_names_the_closest_revision(server: TestServer, linear: Ledger) -> None:
    exact = migrated(server, "linear", "l002", sql="DROP TABLE alembic_version")
    exact_status = check(snapshot(exact), linear).migrations
    assert exact_status is not None
    assert "matches revision l002 exactly" in (exact_status.detail or "")
    near = migrated(server, "linear", "l003", sql="DROP TABLE alembic_version; DROP INDEX ix_users_email")
    near_status = check(snapshot(near), linear).migrations
    assert near_status is not None
    detail = near_status.detail or ""
    assert "closest to revision l003 (1 object(s) differ)" in detail


def test_empty_version_table_means_nothing_applied(server: TestServer, linear: Ledger) -> None:
    dsn = migrated(server, "linear", "l001", sql="DELETE FROM alembic_version")
    status = check(snapshot(dsn), linear).migrations
    assert status is not None and status.state == "behind"
    assert [p.revision for p in status.pending] == ["l001", "l002", "l003", "l004"]


def test_several_rows_on_branches(server: TestServer, branched: Ledger) -> None:
    dsn = migrated(server, "branched", ("b1b", "b2a"))
    report = check(snapshot(dsn), branched)
    status = report.migrations
    assert status is not None and status.state == "branched"
    assert set(status.live_revisions) == {"b1b", "b2a"}
    assert [p.revision for p in status.pending] == ["bm", "b3"]
    assert _by_cause(report, "out_of_band") == {}
    assert status.lag_revisions == 2 and status.lag_days == 2.0  # latest live date b2a 02-05 -> b3 02-07


def test_behind_on_a_branch_lists_the_late_merged_revisions(server: TestServer, branched: Ledger) -> None:
    status = check(snapshot(migrated(server, "branched", "b2a")), branched).migrations
    assert status is not None
    # b1a and b1b are dated before b2a but are pending: lag follows the graph, not the dates.
    assert {p.revision for p in status.pending} == {"b1a", "b1b", "bm", "b3"}
    assert status.lag_revisions == 4


ROLE_SQL = """
CREATE ROLE {role} LOGIN;
GRANT CONNECT ON DATABASE "{database}" TO {role};
GRANT USAGE ON SCHEMA public TO {role};
"""


def _role(server: TestServer, dsn: str, role: str, select_version: bool) -> str:
    database = dsn.split("/")[3].split("?")[0]
    execute(
        dsn,
        ROLE_SQL.format(role=role, database=database)
        + (f"GRANT SELECT ON alembic_version TO {role};" if select_version else ""),
    )
    return server.dsn_for(database, user=role)


def _comparable(report: Report) -> tuple:
    return (
        report.migrations,
        tuple((c.kind, c.change, c.object, c.attribute, c.cause, c.migration) for c in report.changes),
    )


def test_least_privileged_role_gives_the_same_result_as_superuser(server: TestServer, linear: Ledger) -> None:
    dsn = migrated(
        server, "linear", "l002", sql="CREATE TABLE scratch_notes (id int); DROP INDEX ix_users_email;"
    )
    # The superuser reads first: the monitoring role's own grants are left out of its snapshots
    # (pgdrift.catalog.reader), so they must not exist yet when the superuser looks.
    as_superuser = check(snapshot(dsn), linear)
    monitor = _role(server, dsn, f"monitor_{dsn.split('/')[3].split('?')[0]}", select_version=True)
    as_monitor = check(snapshot(monitor), linear)
    assert as_monitor.migrations is not None and as_monitor.migrations.state == "behind"
    assert len(as_monitor.changes) > 5
    assert _comparable(as_monitor) == _comparable(as_superuser)


def test_unreadable_version_table(server: TestServer, linear: Ledger) -> None:
    dsn = migrated(server, "linear", "head")
    role = f"blind_{dsn.split('/')[3].split('?')[0]}"
    blind = _role(server, dsn, role, select_version=False)
    # A database whose revision cannot be read is a clear failure, not "drift, 0 findings" (issue 12)
    with pytest.raises(PermissionDenied) as raised:
        check(snapshot(blind), linear)
    message = str(raised.value)
    assert "public.alembic_version cannot be read (" in message and "permission denied" in message
    assert f"GRANT SELECT ON TABLE public.alembic_version TO {role};" in message
    assert f"pgdrift grant-sql --role {role} --database" in message
    assert raised.value.category == "permission"


def test_plain_snapshot_as_expected_gives_a_plain_drift_report(
    server: TestServer, linear: Ledger, tmp_path
) -> None:
    expected = snapshot(migrated(server, "linear", "head"))
    live = snapshot(migrated(server, "linear", "head", sql="DROP INDEX ix_users_name"))
    report = check(live, expected)
    assert report.migrations is None
    assert [(c.kind, c.change, c.object) for c in report.changes] == [
        ("index", "missing", "public.ix_users_name")
    ]


def test_cli_errors_exit_2(tmp_path, capsys) -> None:
    missing = tmp_path / "nope.json.gz"
    assert main(["check", "postgresql://u@/db?host=/tmp", "--expected", str(missing)]) == 2
    assert "reading the expected artifact" in capsys.readouterr().err
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"format": "pgdrift-ledger", "format_version": 7}')
    assert main(["check", "postgresql://u@/db?host=/tmp", "--expected", str(garbage)]) == 2
    assert "format_version 7 is not supported" in capsys.readouterr().err


def test_cli_reads_the_ledger_from_s3(server: TestServer, linear: Ledger, monkeypatch) -> None:
    import boto3
    from moto import mock_aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    dsn = migrated(server, "linear", "head")
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="ledgers")
        s3.put_object(Bucket="ledgers", Key="expected/app/ledger.json.gz", Body=ledger_module.dumps(linear))
        assert (
            main(["check", dsn, "--expected", "s3://ledgers/expected/app/ledger.json.gz", "-o", "/dev/null"])
            == 0
        )
        assert main(["check", dsn, "--expected", "s3://ledgers/expected/app/missing.json.gz"]) == 2


def test_config_waivers_apply_to_check(server: TestServer, linear_file: str, tmp_path) -> None:
    # Given a database at head with one hand-made table
    dsn = migrated(server, "linear", "head", sql="CREATE TABLE legacy_session (sid text PRIMARY KEY)")
    assert main(["check", dsn, "--expected", linear_file, "-o", "/dev/null"]) == 1
    # When a still-valid waiver covers it, the database counts as clean
    config = tmp_path / "pgdrift.toml"
    config.write_text(
        '[[waiver]]\npattern = "legacy_*"\nreason = "INC-42"\nowner = "@dba"\nexpires = 2999-01-01\n'
    )
    assert main(["check", dsn, "--expected", linear_file, "--config", str(config), "-o", "/dev/null"]) == 0


def test_ledger_built_on_postgresql_16_agrees_with_18(pg16: TestServer, linear: Ledger) -> None:
    on_16 = build(pg16, "linear")
    for revision in linear.revisions:
        assert on_16.expected_at(revision.id).fingerprint == linear.expected_at(revision.id).fingerprint


def test_partitions_a_pending_migration_drops_and_partitions_made_at_run_time(server: TestServer) -> None:
    # Given a database one migration behind (p002 drops March's partition), where a job has also
    # made May's partition
    ledger = build(server, "partitioned")
    dsn = migrated(server, "partitioned", "p001", sql=(
        "CREATE TABLE events_2026_05 PARTITION OF events FOR VALUES FROM ('2026-05-01') TO ('2026-06-01')"))

    # When it is checked
    report = check(snapshot(dsn), ledger)

    # Then March's partition is explained by the pending migration that drops it...
    found = {(c.cause, c.attribute): c for c in report.changes if c.object == "public.events"}
    pending = found[(Cause.PENDING_MIGRATION, "partitions")]
    assert pending.migration == "p002"
    assert pending.detail["unexpected_partitions"] == ["public.events_2026_03"]
    assert pending.reason == ("table public.events still has partitions a pending migration drops "
                              "(public.events_2026_03)")
    # ...and May's, which no migration made, is one low out-of-band finding on events (its
    # migration is the one that made the expected partitions, as for any altered object)
    run_time = found[(Cause.OUT_OF_BAND, "partitions")]
    assert run_time.migration == "p001" and run_time.severity == "low"
    assert run_time.detail["unexpected_partitions"] == ["public.events_2026_05"]
    assert "made at run time" in run_time.reason
    assert [c.object for c in report.changes if c.object != "public.events"] == []


def test_a_hazard_on_a_table_never_analyzed_reads_as_a_sentence() -> None:
    # Given pending r2 drops a table and a column of another, and the live database (at r1) never
    # analyzed either table (its row estimate is -1)
    ledger = _made_ledger(
        {"users": {"id": "bigint", "nickname": "text"}, "old": {"id": "bigint"}},
        {"users": {"id": "bigint", "nickname": "text"}, "old": {"id": "bigint"}},
        {"users": {"id": "bigint"}},
    )
    live = made_snapshot({"users": {"id": "bigint", "nickname": "text"}, "old": {"id": "bigint"}})

    # When the hazards of the pending migration are weighed against it
    pending = pending_migrations(ledger, ledger.pending("r1"), ledger.expected_at("r1"), live)

    # Then each says the row count is unknown in words that read (issue 15)
    messages = {h.object: h.message for p in pending for h in p.hazards if h.type == HazardKind.DESTRUCTIVE}
    assert messages == {
        "public.old": "drops table public.old, which holds an unknown number of rows (the table was never "
                      "analyzed): its data is lost",
        "public.users.nickname": "drops column public.users.nickname (text), whose table holds an unknown "
                                 "number of rows (the table was never analyzed): its values are lost",
    }


def test_a_missing_constraint_reads_by_why_it_is_missing() -> None:
    # Given r2 adds a check constraint to users
    check_email = model.Constraint("public", "users", "users_email_check", "check", "CHECK (email <> '')")
    users = {"users": {"id": "bigint", "email": "text"}}
    steps = [(Revision("r1", (), "users"), made_snapshot(users)),
             (Revision("r2", ("r1",), "check emails"), made_snapshot(users, extra=[check_email]))]
    ledger = build_ledger(steps, made_snapshot({}), ["r2"], "made", "2026-02-02T00:00:00Z")

    def at(revision: str) -> model.Snapshot:
        live = made_snapshot(users)  # neither database has the constraint
        alembic = model.AlembicState(VersionTableStatus.PRESENT, (revision,))
        return dataclasses.replace(live, meta=dataclasses.replace(live.meta, alembic=alembic))

    # When one database is at r1 (r2 pending) and another at r2 (the constraint dropped by hand)
    def reason(revision: str) -> str:
        (change,) = [c for c in check(at(revision), ledger).changes if c.kind == "constraint"]
        return change.reason

    # Then the pending one says it is not there yet, not that it is "no longer" enforced (issue 15)
    assert reason("r1") == ("constraint public.users.users_email_check is not there yet: the pending migration "
                            "r2 adds it; until then the database does not enforce it, so invalid rows can be "
                            "written")
    assert reason("r2") == ("constraint public.users.users_email_check is missing: the database does not "
                            "enforce it, so invalid rows can be written")
