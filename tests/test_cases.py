"""The golden drift cases, on PostgreSQL 16 and 18 (and PGDRIFT_TEST_DSN when set).

Each case directory under tests/cases/ holds before.sql (the expected schema), after.sql (the
actual one) and expected.json (the findings). A new case is new files, not new code.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from pgdrift.drift import analyze, make_report
from pgdrift.render import report_to_json
from pgdrift.report import SEVERITIES
from tests.drift_support import report_schema
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
