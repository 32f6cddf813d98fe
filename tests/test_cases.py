"""The golden drift cases, on PostgreSQL 16 and 18 (and PGDRIFT_TEST_DSN when set).

Each case directory under tests/cases/ holds before.sql (the expected schema), after.sql (the
actual one) and expected.json (the findings). A new case is new files, not new code.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from pgdrift.compare.analyze import analyze, make_report
from pgdrift.compare.findings import SEVERITIES
from pgdrift.render import report_to_json
from tests.drift_support import contradictions, report_schema
from tests.golden import CASES, CASES_DIR, case_config, case_snapshot, golden_form
from tests.support import TestServer


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, server: TestServer) -> None:
    # Given the two schemas of the case, built on a real server
    expected = case_snapshot(server, case, "before")
    actual = case_snapshot(server, case, "after")

    # When they are analyzed
    changes = analyze(expected, actual, case_config(case))

    # Then the findings are exactly the golden ones, each with a severity and a reason
    golden = json.loads((CASES_DIR / case / "expected.json").read_text(encoding="utf-8"))
    assert [golden_form(change) for change in changes] == golden
    for change in changes:
        assert change.severity in SEVERITIES
        assert change.object in change.reason and "\n" not in change.reason
    assert contradictions(changes) == []
    report = make_report(expected, actual, changes, expected_source="before.sql", actual_source="after.sql")
    jsonschema.validate(report_to_json(report), report_schema())
    # and the diff is deterministic and empty against itself
    assert analyze(actual, actual) == []
    assert analyze(expected, actual, case_config(case)) == changes


@pytest.mark.parametrize("case", CASES)
def test_case_is_the_same_on_pg16_and_pg18(case: str, pg16: TestServer, pg18: TestServer) -> None:
    # The same DDL on PostgreSQL 16 and 18 reads back as the same schema
    for side in ("before", "after"):
        on_16, on_18 = case_snapshot(pg16, case, side), case_snapshot(pg18, case, side)
        assert analyze(on_16, on_18) == [], f"{case}/{side}.sql differs between PostgreSQL 16 and 18"


def test_partitions_made_at_run_time_are_one_finding_on_their_parent(server: TestServer) -> None:
    # Given a partitioned table whose live side has two partitions no migration made
    expected = case_snapshot(server, "partitions_at_run_time", "before")
    actual = case_snapshot(server, "partitions_at_run_time", "after")

    # When they are analyzed
    changes = {change.identity: change for change in analyze(expected, actual)}

    # Then the parent has one low finding that names them and counts what came with them
    events = changes["table|altered|public.events|partitions"]
    assert events.severity == "low"
    assert events.detail == {
        "unexpected_partitions": ["public.events_p2026_11_23", "public.events_p2026_11_24"],
        "children": {"column": 6, "constraint": 2, "index": 2},
    }
    assert events.reason.startswith("table public.events has 2 partitions no migration created "
                                    "(public.events_p2026_11_23, public.events_p2026_11_24): made at run time")
    # ...a missing partition says which rows have nowhere to go
    audit = changes["table|missing|public.audit_2026|"]
    assert audit.reason == ("table public.audit_2026 is missing (with its 2 columns): rows FOR VALUES FROM "
                            "('2026-01-01') TO ('2027-01-01') have no partition of public.audit: inserting "
                            "them fails unless a default partition takes them")
    # ...a missing partition of events is missing, not a rename of a new one with the same columns
    assert "table|missing|public.events_p2026_11_22|" in changes
    assert not [change for change in changes.values() if change.change == "renamed"]
    assert events.expected == ["public.events_default", "public.events_p2026_11_22"]
    assert events.actual == ["public.events_default", "public.events_p2026_11_23", "public.events_p2026_11_24"]
    # ...and the partition of a table no migration knows is reported with its parent, as it is
    assert {"table|unexpected|public.scratch|", "table|unexpected|public.scratch_1|"} <= changes.keys()
