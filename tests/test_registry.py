"""The registry drives everything: a kind added as one dataclass, one `.sql` file and one row is
read, diffed, graded and reported with nothing else changed; the report schema lists its kinds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import batches, read_snapshot
from pgdrift.compare.analyze import analyze, make_report
from pgdrift.render import render
from pgdrift.schema import kinds as registry
from pgdrift.schema.identity import qualify
from pgdrift.schema.snapshot_io import dumps_bytes, loads
from pgdrift.vocabulary import Severity
from tests.drift_support import report_schema
from tests.support import TestServer


@dataclass(frozen=True, slots=True)
class Statistic:
    """A throwaway kind: an extended statistics object."""

    schema: str
    name: str
    table: str
    definition: str
    comment: str | None = None


_STATISTICS_SQL = """\
SELECT n.nspname AS schema,
       s.stxname AS name,
       c.relname AS "table",
       pg_get_statisticsobjdef(s.oid) AS definition,
       obj_description(s.oid, 'pg_statistic_ext') AS comment
FROM pg_statistic_ext AS s
JOIN pg_namespace AS n ON n.oid = s.stxnamespace
JOIN pg_class AS c ON c.oid = s.stxrelid
WHERE s.stxnamespace = ANY (:namespaces::oid[])
ORDER BY schema, name
"""


@pytest.fixture
def statistic_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> registry.Kind:
    sql = tmp_path / "statistics.sql"
    sql.write_text(_STATISTICS_SQL, encoding="utf-8")
    row = registry.Kind(
        name="statistic", model=Statistic, sql=str(sql),  # an absolute path joins as itself
        key_fields=("schema", "name"), join_key=qualify, table=lambda obj: qualify(obj.schema, obj.table),
        missing_severity=Severity.MEDIUM, label="extended statistic", batch=(5, 99), behaviour=True,
        missing_consequence="the planner loses the estimates it gave")
    monkeypatch.setattr(registry, "KINDS", (*registry.KINDS, row))
    monkeypatch.setitem(registry.BY_NAME, "statistic", row)
    return row


def test_a_new_kind_needs_one_dataclass_one_sql_file_and_one_row(
        pg18: TestServer, statistic_kind: registry.Kind) -> None:
    # Given two databases that differ in their extended statistics
    base = "CREATE TABLE t (a int, b int); "
    expected_dsn = pg18.create_database(
        base + "CREATE STATISTICS s_ab (dependencies) ON a, b FROM t; CREATE STATISTICS s_gone ON a, b FROM t;")
    actual_dsn = pg18.create_database(
        base + "CREATE STATISTICS s_ab (mcv) ON a, b FROM t; CREATE STATISTICS s_new ON a, b FROM t;")
    # When both are read and analyzed
    assert "statistic" in [name for batch in batches() for name in batch]
    expected, actual = read_snapshot(parse_dsn(expected_dsn)), read_snapshot(parse_dsn(actual_dsn))
    assert sorted(expected.of_kind("statistic")) == ["public.s_ab", "public.s_gone"]
    changes = {change.identity: change for change in analyze(expected, actual)}
    # Then the reader, the diff and the grading handle it like any other kind
    assert set(changes) == {"statistic|missing|public.s_gone|", "statistic|unexpected|public.s_new|",
                            "statistic|altered|public.s_ab|definition"}
    missing = changes["statistic|missing|public.s_gone|"]
    assert missing.severity == "medium" and missing.table == "public.t"
    assert missing.reason == "extended statistic public.s_gone is missing: the planner loses the estimates it gave"
    assert changes["statistic|altered|public.s_ab|definition"].severity == "high"  # behaviour
    # ...and the snapshot file and the reports too
    assert loads(dumps_bytes(actual)).of_kind("statistic") == actual.of_kind("statistic")
    report = make_report(expected, actual, changes.values(), expected_source="a", actual_source="b")
    document: dict[str, Any] = json.loads(render(report, "json"))
    assert document["summary"]["by_kind"] == {"statistic": 3}
    assert document["expected"]["object_counts"]["statistic"] == 2
    for fmt in ("text", "markdown", "html"):
        assert "public.s_gone" in render(report, fmt)


def test_the_report_schema_lists_the_registered_kinds() -> None:
    kinds = report_schema()["$defs"]["change"]["properties"]["kind"]["enum"]
    assert kinds == [kind.name for kind in registry.KINDS]
