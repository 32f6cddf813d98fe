"""The deploy gate of docs/deploy-gate.md (issue 15): `--fail-on` and the commands the workflow runs.

The workflow builds the ledger, checks production before `alembic upgrade` (failing on
out-of-band drift or hazards, not on being behind), upgrades, and checks again (failing unless at
head and clean). The test runs the same commands through `pgdrift.cli.main` on embedded databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command

from pgdrift.cli import main
from pgdrift.compare.gate import DEFAULT_FAIL_ON, FailOn, gate_failures, parse_fail_on
from pgdrift.errors import ConfigError
from pgdrift.migrations import ledger as ledger_module
from pgdrift.migrations.check import check
from pgdrift.migrations.replay import load_config
from tests.alembic_projects.support import build, fresh_name, ini, migrated, scratch, snapshot
from tests.conftest import _get_server
from tests.support import TestServer, execute

WORKFLOW = Path(__file__).resolve().parent.parent / "examples" / "ci" / "deploy-gate.yml"
PRE_DEPLOY = ["--fail-on", "out-of-band,hazard"]
POST_DEPLOY = ["--fail-on", "any"]


@pytest.fixture(scope="module")
def server(_servers: dict[str, TestServer]) -> Iterator[TestServer]:
    yield _get_server(_servers, "pg18")


@pytest.fixture(scope="module")
def ledger_file(server: TestServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    # The deploy job's first step: build the ledger from the repository being deployed
    path = tmp_path_factory.mktemp("gate") / "ledger.json.gz"
    code = main(["expected", "build", str(ini("branched")), "-o", str(path), "--scratch-dsn", scratch(server).dsn,
                 "--quiet"])
    assert code == 0
    return str(path)


def _database_at(server: TestServer, revision: str, sql: str | None = None,
                 project: str = "branched") -> tuple[str, str]:
    """(DSN, SQLAlchemy URL) of a new database upgraded to `revision`, then changed by `sql`."""
    assert server.embedded is not None
    name = fresh_name("gate")
    dsn = server.create_database(name=name)
    url = server.embedded.sqlalchemy_url(name)
    _upgrade(url, revision, project)
    if sql:
        execute(dsn, sql)
    return dsn, url


def _upgrade(url: str, revision: str, project: str = "branched") -> None:
    """`alembic upgrade REVISION`, as the deploy job runs it."""
    config = load_config(ini(project))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, revision)


def test_a_database_behind_and_clean_passes_the_pre_deploy_gate_and_the_post_deploy_gate_after_upgrade(
        server: TestServer, ledger_file: str) -> None:
    # Given production three revisions behind (b2a on the other branch, the merge, b3), with no
    # change made by hand and nothing pending that loses data
    dsn, url = _database_at(server, "b1b")
    # Then the pre-deploy gate passes, and the default policy is the same
    assert main(["check", dsn, "--expected", ledger_file, "-o", "/dev/null", *PRE_DEPLOY]) == 0
    assert main(["check", dsn, "--expected", ledger_file, "-o", "/dev/null"]) == 0
    # And a post-deploy gate run before the upgrade fails: the database is behind
    assert main(["check", dsn, "--expected", ledger_file, "-o", "/dev/null", *POST_DEPLOY]) == 1
    # When the deploy upgrades it to head
    _upgrade(url, "heads")
    # Then the post-deploy gate passes
    assert main(["check", dsn, "--expected", ledger_file, "-o", "/dev/null", *POST_DEPLOY]) == 0


def test_a_hand_change_fails_the_pre_deploy_gate(server: TestServer, ledger_file: str, capsys) -> None:
    # Given production behind, with an index added by hand (no pending migration touches it)
    dsn, _ = _database_at(server, "b1b", "CREATE INDEX ix_accounts_name ON accounts (name)")
    # When the pre-deploy gate runs
    code = main(["check", dsn, "--expected", ledger_file, "-o", "/dev/null", *PRE_DEPLOY])
    # Then it fails and says why on stderr
    assert code == 1
    assert "1 out-of-band finding(s)" in capsys.readouterr().err


def test_a_hazard_alone_fails_the_pre_deploy_gate(server: TestServer, tmp_path: Path, capsys) -> None:
    # Given production at l003 with rows in orders: l004 drops orders.total and renames orders
    ledger = build(server, "linear")
    ledger_file = tmp_path / "linear.json.gz"
    ledger_file.write_bytes(ledger_module.dumps(ledger))
    dsn, _ = _database_at(server, "l003", "INSERT INTO users VALUES (1, 'a@b.c', 'A');"
                          "INSERT INTO orders (id, user_id) VALUES (1, 1); ANALYZE;", project="linear")
    report = check(snapshot(dsn), ledger)
    assert gate_failures(report, frozenset({FailOn.OUT_OF_BAND})) == []
    arguments = ["check", dsn, "--expected", str(ledger_file), "-o", "/dev/null"]
    # Then the destructive operations fail the default gate ...
    assert main(arguments) == 1
    assert "2 hazard(s) in pending migrations" in capsys.readouterr().err
    # ... and pass a gate on out-of-band changes and conflicts only (there is no conflict)
    assert main([*arguments, "--fail-on", "out-of-band,conflict"]) == 0
    # Given a conflict as well: the index l004 creates, made by hand
    execute(dsn, "CREATE INDEX ix_users_name ON users (name)")
    # Then that gate fails too
    assert main([*arguments, "--fail-on", "conflict"]) == 1
    assert "1 hazard(s) in pending migrations" in capsys.readouterr().err


def test_post_deploy_gate_on_a_database_still_behind_fails(server: TestServer, ledger_file: str, capsys) -> None:
    # Given a deploy whose upgrade stopped at the merge
    dsn, _ = _database_at(server, "bm")
    # Then the post-deploy gate fails and names the state
    assert main(["check", dsn, "--expected", ledger_file, "-o", "/dev/null", *POST_DEPLOY]) == 1
    assert "not at head (behind, 1 migration(s) pending)" in capsys.readouterr().err


def test_compare_takes_fail_on(server: TestServer, ledger_file: str) -> None:
    # Given two clean environments at different revisions
    behind = migrated(server, "branched", "b1b")
    ahead = migrated(server, "branched", "heads")
    arguments = ["compare", behind, ahead, "--expected", ledger_file, "-o", "/dev/null"]
    # Then being at different revisions fails only when pending counts
    assert main(arguments) == 0
    assert main([*arguments, "--fail-on", "pending"]) == 1


def test_parse_fail_on() -> None:
    assert parse_fail_on([]) == DEFAULT_FAIL_ON == {FailOn.OUT_OF_BAND, FailOn.HAZARD}
    assert parse_fail_on(["pending", "hazard"]) == {FailOn.PENDING, FailOn.HAZARD}
    assert parse_fail_on(["out-of-band, pending"]) == {FailOn.OUT_OF_BAND, FailOn.PENDING}
    assert parse_fail_on(["any"]) == {FailOn.OUT_OF_BAND, FailOn.HAZARD, FailOn.PENDING}
    with pytest.raises(ConfigError, match="'behind' is not one of out-of-band, hazard, conflict, pending, any"):
        parse_fail_on(["behind"])


def test_a_bad_fail_on_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "postgresql://x@/db", "--expected", "ledger.json.gz", "--fail-on", "behind"])
    assert exit_info.value.code == 2
    assert "'behind' is not one of" in capsys.readouterr().err


def test_the_workflow_runs_these_gates() -> None:
    workflow = WORKFLOW.read_text()
    docs = (WORKFLOW.parent.parent.parent / "docs" / "deploy-gate.md").read_text()
    # The documented workflow is the example file ...
    assert workflow.strip() in docs
    # ... and its steps run, in order, the commands this file tests (PyYAML is no dependency)
    runs = [line.split("run:", 1)[1] for line in workflow.splitlines() if line.strip().startswith("run:")]
    order = [next(i for i, run in enumerate(runs) if text in run) for text in (
        "pgdrift expected build", "aws s3 cp ledger.json.gz", "--fail-on out-of-band,hazard",
        "alembic upgrade head", "--fail-on any")]
    assert order == sorted(order)
