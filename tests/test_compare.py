"""`pgdrift compare`: environment against environment, every difference explained through the ledger."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pgdrift.cli import main
from pgdrift.compare.findings import Report
from pgdrift.migrations import ledger as ledger_module
from pgdrift.migrations.check import compare
from pgdrift.migrations.ledger import Ledger
from tests.alembic_projects.support import build, migrated, snapshot
from tests.conftest import _get_server
from tests.support import TestServer


@pytest.fixture(scope="module")
def server(_servers: dict[str, TestServer]) -> Iterator[TestServer]:
    yield _get_server(_servers, "pg18")


@pytest.fixture(scope="module")
def linear(server: TestServer) -> Ledger:
    return build(server, "linear")


@pytest.fixture(scope="module")
def environments(server: TestServer) -> dict[str, str]:
    """production at l002 with a hand-made table; dev at head with a hand-made index."""
    return {
        "production": migrated(
            server, "linear", "l002", sql="CREATE TABLE legacy_session (sid text PRIMARY KEY)"
        ),
        "dev": migrated(server, "linear", "head", sql="CREATE INDEX ix_dev_only ON users (name, email)"),
        "dev_clean": migrated(server, "linear", "head"),
    }


def _explained(report: Report) -> dict[tuple[str, str, str], tuple[str | None, str | None, str | None]]:
    return {
        (c.kind, c.change, c.object): (c.cause, c.migration, c.detail.get("side")) for c in report.changes
    }


def test_production_behind_dev(environments: dict[str, str], linear: Ledger) -> None:
    production, dev = snapshot(environments["production"]), snapshot(environments["dev"])
    report = compare(production, dev, linear, labels=("production", "dev"))
    status = report.migrations
    # Both revisions and the lag between them.
    assert status is not None and status.state == "behind"
    assert status.live_revisions == ("l002",) and status.head_revisions == ("l004",)
    assert status.lag_revisions == 2 and status.lag_days == 8.08
    assert [p.revision for p in status.pending] == ["l003", "l004"]
    explained = _explained(report)
    # Differences the pending migrations explain.
    assert explained[("enum", "missing", "public.order_status")] == ("pending_migration", "l003", None)
    assert explained[("index", "missing", "public.ix_users_name")] == ("pending_migration", "l004", None)
    # What the ledger cannot explain, on whichever side has it.
    assert explained[("table", "unexpected", "public.legacy_session")] == ("out_of_band", None, "production")
    assert explained[("index", "missing", "public.ix_dev_only")] == ("out_of_band", None, "dev")
    assert {c.cause for c in report.changes} == {"pending_migration", "out_of_band"}


def test_compare_report_sides_carry_object_counts(environments: dict[str, str], linear: Ledger) -> None:
    production, dev = snapshot(environments["production"]), snapshot(environments["dev"])
    report = compare(production, dev, linear, labels=("production", "dev"))
    assert dict(report.expected.object_counts) == dev.counts()
    assert dict(report.actual.object_counts) == production.counts()
    assert report.title == "Environment comparison: production against dev"
    assert report.actual.revisions == ("l002",) and report.expected.revisions == ("l004",)


def test_dev_behind_production_is_the_other_way_round(environments: dict[str, str], linear: Ledger) -> None:
    report = compare(snapshot(environments["dev"]), snapshot(environments["production"]), linear)
    status = report.migrations
    assert status is not None and status.state == "ahead_or_unknown"
    assert "A is 2 revision(s) ahead of B" in (status.detail or "")
    assert [p.revision for p in status.pending] == ["l003", "l004"]


def test_same_revision_and_no_difference(environments: dict[str, str], linear: Ledger) -> None:
    clean = snapshot(environments["dev_clean"])
    report = compare(clean, clean, linear)
    assert report.migrations is not None and report.migrations.state == "at_head"
    assert report.changes == () and report.status == "clean"


def test_cli_compare(environments: dict[str, str], linear: Ledger, tmp_path, capsys) -> None:
    ledger_file = tmp_path / "ledger.json.gz"
    ledger_file.write_bytes(ledger_module.dumps(linear))
    code = main(
        [
            "compare",
            environments["production"],
            environments["dev"],
            "--expected",
            str(ledger_file),
            "--label-a",
            "production",
            "--label-b",
            "dev",
            "--format",
            "markdown",
        ]
    )
    output = capsys.readouterr().out
    assert code == 1
    assert "l003" in output and "legacy_session" in output
    assert (
        main(
            [
                "compare",
                environments["dev_clean"],
                environments["dev_clean"],
                "--expected",
                str(ledger_file),
                "-o",
                str(tmp_path / "out.txt"),
            ]
        )
        == 0
    )


def test_cli_compare_needs_a_ledger(environments: dict[str, str], tmp_path, capsys) -> None:
    from pgdrift.schema import snapshot_io
    plain = tmp_path / "snapshot.json"
    snapshot_io.write_file(snapshot(environments["dev_clean"]), plain)
    assert (
        main(["compare", environments["dev_clean"], environments["dev_clean"], "--expected", str(plain)]) == 2
    )
    assert "it is a snapshot, not a ledger" in capsys.readouterr().err
