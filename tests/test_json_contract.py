"""Issue 15: every JSON pgdrift writes validates against its schema, and the schemas' versions
follow the rendered documents."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import replace

import jsonschema
import pytest

from pgdrift.cli import main
from pgdrift.compare.findings import REPORT_FORMAT_VERSION
from pgdrift.migrations import ledger as ledger_module
from pgdrift.migrations.check import check
from pgdrift.migrations.ledger import Ledger
from pgdrift.monitor.layout import RUN_STATUSES, RunRecord
from pgdrift.render import render
from tests.alembic_projects.support import build, migrated, snapshot
from tests.conftest import _get_server
from tests.drift_support import json_schema, report_schema, validate_run_record
from tests.support import TestServer


@pytest.fixture(scope="module")
def server(_servers: dict[str, TestServer]) -> Iterator[TestServer]:
    yield _get_server(_servers, "pg18")


@pytest.fixture(scope="module")
def linear(server: TestServer) -> Ledger:
    return build(server, "linear")


def test_report_schema_version_is_the_rendered_format_version() -> None:
    schema = report_schema()
    assert schema["properties"]["format_version"] == {"const": REPORT_FORMAT_VERSION}
    assert schema["$id"].endswith(f"/report/{REPORT_FORMAT_VERSION}.json")
    # the Lambda's answer to a check run is that report
    answer = json_schema("answer")
    assert answer["$defs"]["check"]["properties"]["format_version"] == {"const": REPORT_FORMAT_VERSION}


def test_run_record_schema_is_the_run_record() -> None:
    # Given the record schema Athena's readers rely on
    schema = json_schema("run_record")
    # Then it names every RunRecord field (a new field without a schema entry fails here) and status
    names = [field.name for field in dataclasses.fields(RunRecord)]
    assert sorted(schema["properties"]) == sorted(names) and sorted(schema["required"]) == sorted(names)
    assert schema["properties"]["status"]["enum"] == list(RUN_STATUSES)
    # And a record as written validates, while one with a status outside the vocabulary does not
    record = RunRecord(time="2026-01-01T00:00:00+00:00", target="prod", run_id="r1", status="rejected",
                       error="bad event")
    validate_run_record(record.to_line())
    with pytest.raises(jsonschema.ValidationError):
        validate_run_record(dataclasses.replace(record, status="exploded").to_line())


def test_check_against_a_ledger_validates_and_pending_changes_are_graded(
        server: TestServer, linear: Ledger, tmp_path) -> None:
    # Given a database two migrations behind head
    dsn = migrated(server, "linear", "l002")
    report = check(snapshot(dsn), linear)
    # Then the JSON report, pending migrations included, validates against the schema
    document = json.loads(render(report, "json"))
    jsonschema.validate(document, report_schema())
    pending = [change for migration in document["pending_migrations"] for change in migration["changes"]]
    assert pending and all(change["reason"] for change in pending)
    # And a pending change carries the severity of the same finding at the top level
    top = {(c["kind"], c["change"], c["object"], c["attribute"]): c["severity"] for c in document["changes"]}
    shared = [c for c in pending if (c["kind"], c["change"], c["object"], c["attribute"]) in top]
    assert shared
    assert all(c["severity"] == top[(c["kind"], c["change"], c["object"], c["attribute"])] for c in shared)
    # And the markdown has no empty rows for them, even for a stored report without reasons
    assert "- —" not in render(report, "markdown")
    status = report.migrations
    assert status is not None
    bare = replace(status, pending=tuple(replace(p, changes=tuple(replace(c, reason="") for c in p.changes))
                                         for p in status.pending))
    markdown = render(replace(report, migrations=bare), "markdown")
    assert "- —" not in markdown and "- enum public.order_status: missing" in markdown
    # And so does the CLI's output
    ledger_file = tmp_path / "linear.json.gz"
    ledger_file.write_bytes(ledger_module.dumps(linear))
    out = tmp_path / "check.json"
    assert main(["check", dsn, "--expected", str(ledger_file), "--format", "json", "-o", str(out)]) == 1
    jsonschema.validate(json.loads(out.read_text()), report_schema())
