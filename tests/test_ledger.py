"""The ledger: replay through Alembic's ScriptDirectory, per-revision deltas, schema at any revision."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import replace

import pytest

from pgdrift.cli import main
from pgdrift.errors import ArtifactError, ConfigError
from pgdrift.migrations import ledger as ledger_module
from pgdrift.migrations.ledger import Ledger, load_ledger
from pgdrift.migrations.replay import MigrationFailed, ReplaySettings, replay
from pgdrift.schema import snapshot_io
from tests.alembic_projects.support import build, ini, migrated, scratch, snapshot
from tests.conftest import _get_server
from tests.support import TestServer, connect


@pytest.fixture(scope="module")
def server(_servers: dict[str, TestServer]) -> Iterator[TestServer]:
    yield _get_server(_servers, "pg18")


@pytest.fixture(scope="module")
def linear(server: TestServer) -> Ledger:
    return build(server, "linear")


@pytest.fixture(scope="module")
def branched(server: TestServer) -> Ledger:
    return build(server, "branched")


def test_linear_graph_is_read_from_alembic(linear: Ledger) -> None:
    assert [revision.id for revision in linear.revisions] == ["l001", "l002", "l003", "l004"]
    assert linear.heads == ("l004",)
    third = linear.by_id["l003"]
    assert third.down_revisions == ("l002",)
    assert third.message == "status enum and narrower email"
    assert third.create_date == "2026-01-05T12:00:00"


def _step_through(
    server: TestServer, project: str, steps: list[str | tuple[str, ...]], ledger: Ledger
) -> None:
    """Upgrade one database step by step with Alembic; at each step the ledger must agree."""
    from alembic import command

    from pgdrift.migrations.replay import load_config
    from tests.alembic_projects.support import fresh_name

    assert server.embedded is not None
    name = fresh_name(project)
    dsn = server.create_database(name=name)
    config = load_config(ini(project))
    config.set_main_option("sqlalchemy.url", server.embedded.sqlalchemy_url(name))
    for step in steps:
        command.upgrade(config, step if isinstance(step, str) else step[-1])
        real = snapshot(dsn)
        live_revisions = real.meta.alembic.revisions
        assert set(live_revisions) == ({step} if isinstance(step, str) else set(step))
        assert ledger.expected_at(live_revisions).fingerprint == real.fingerprint, step


def test_expected_at_every_linear_revision_equals_a_real_upgrade(server: TestServer, linear: Ledger) -> None:
    _step_through(server, "linear", ["l001", "l002", "l003", "l004"], linear)


def test_expected_at_every_branched_revision_equals_a_real_upgrade(
    server: TestServer, branched: Ledger
) -> None:
    # Along the feature branch, then the main line beside it (two rows), the merge and after.
    _step_through(server, "branched", ["b000", "b1a", "b1b", ("b1b", "b2a"), "bm", "b3"], branched)
    # And the main line alone, which the path above never visits.
    real = snapshot(migrated(server, "branched", "b2a"))
    assert branched.expected_at("b2a").fingerprint == real.fingerprint


def test_branches_and_merge(branched: Ledger) -> None:
    assert branched.by_id["bm"].down_revisions == ("b1b", "b2a")
    assert branched.by_id["b1a"].branch_labels == ("feature",)
    assert branched.ancestors("b1b") == {"b000", "b1a", "b1b"}
    # From the main line, the feature branch, the merge and what follows are pending, in graph order.
    assert [r.id for r in branched.pending("b2a")] == [
        r.id for r in branched.revisions if r.id in {"b1a", "b1b", "bm", "b3"}
    ]
    assert branched.pending("b3") == []
    positions = {r.id: i for i, r in enumerate(branched.revisions)}
    assert positions["b1b"] < positions["bm"] and positions["b2a"] < positions["bm"] < positions["b3"]


def test_per_revision_changes_are_the_diff_between_consecutive_snapshots(linear: Ledger) -> None:
    changes = linear.by_id["l002"].changes
    assert set(changes) == {"column", "constraint", "index"}
    before, after = changes["column"]["public.users.name"]
    assert before is None and after["type"] == "text"
    email_before, email_after = linear.by_id["l003"].changes["column"]["public.users.email"]
    assert (email_before["type"], email_after["type"]) == ("character varying(200)", "character varying(100)")
    assert linear.by_id["l001"].changes["table"].keys() == {
        "public.users",
        "public.orders",
        "public.alembic_version",
    }


def test_created_by_names_the_revision_that_last_shaped_the_object(linear: Ledger) -> None:
    every, to_l002 = linear.ancestors(None), linear.ancestors("l002")
    assert linear.last_touch([("column", "public.users.email")], every) == "l003"
    assert linear.last_touch([("column", "public.users.email")], to_l002) == "l001"
    assert linear.last_touch([("index", "public.ix_users_name")], every) == "l004"
    assert linear.last_touch([("table", "public.purchases")], every) == "l004"
    assert linear.last_touch([("table", "public.made_by_hand")], every) is None


def test_round_trip_and_compactness(linear: Ledger) -> None:
    data = ledger_module.dumps(linear)
    loaded = load_ledger(data, "linear.json.gz")
    for revision in linear.revisions:
        assert loaded.expected_at(revision.id).fingerprint == linear.expected_at(revision.id).fingerprint
    # The deltas cost less than two head snapshots (the statements, plain text, are weighed below)
    raw = ledger_module.dumps(_without_statements(linear), compress=False)
    head = snapshot_io.dumps(linear.head_snapshot).encode()
    assert len(raw) < 3 * len(head)
    raw = ledger_module.dumps(linear, compress=False)
    assert data[:2] == b"\x1f\x8b" and gzip.decompress(data) == raw


def test_each_revision_records_the_statements_its_upgrade_sent(linear: Ledger) -> None:
    # Then the ledger holds l004's op.execute() texts, in order, and nothing of Alembic's own
    # version-table bookkeeping or SQLAlchemy's connection set-up (issue 15)
    assert linear.by_id["l004"].statements == (
        "ALTER TABLE orders DROP COLUMN total",
        "ALTER TABLE orders RENAME TO purchases",
        "ALTER TABLE users DROP CONSTRAINT ck_users_email_at",
        "CREATE INDEX ix_users_name ON users (name)",
    )
    for revision in linear.revisions:
        assert revision.statements and not any("alembic_version" in text for text in revision.statements)
    # And they survive the artifact's round trip
    loaded = load_ledger(ledger_module.dumps(linear), "linear.json.gz")
    assert [r.statements for r in loaded.revisions] == [r.statements for r in linear.revisions]


def _without_statements(ledger: Ledger) -> Ledger:
    """The same ledger with its statements unknown, as format 1 had it."""
    return Ledger([replace(revision, statements=None) for revision in ledger.revisions], ledger.heads,
                  ledger.head_snapshot, ledger.source, ledger.built_at)


def test_a_format_1_ledger_is_read_with_its_statements_unknown(linear: Ledger) -> None:
    # Given a ledger written before issue 15: format_version 1, no statements
    document = _document(linear)
    document["format_version"] = 1
    for revision in document["revisions"]:
        del revision["statements"]
    # When it is read, then it is the same ledger, with no statements to reason from
    loaded = load_ledger(json.dumps(document).encode(), "old.json.gz")
    assert [r.statements for r in loaded.revisions] == [None] * len(linear.revisions)
    assert loaded.expected_at("l002").fingerprint == linear.expected_at("l002").fingerprint


def _document(ledger: Ledger) -> dict:
    return json.loads(ledger_module.dumps(ledger, compress=False))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda doc: b"not json at all", "not valid"),
        (lambda doc: b"\x1f\x8b\x08\x00truncated", "not valid"),
        (lambda doc: {**doc, "format": "something-else"}, "not a pgdrift ledger"),
        (lambda doc: {**doc, "format_version": 99}, "format_version 99 is not supported \\(this pgdrift reads 1 and 2"),
        (lambda doc: {**doc, "revisions": [{**doc["revisions"][0], "statements": "DROP TABLE x"}]}, "corrupt"),
        (lambda doc: {k: v for k, v in doc.items() if k != "revisions"}, "corrupt"),
        (lambda doc: {**doc, "heads": ["nope"]}, "not in the graph"),
        (lambda doc: {**doc, "revisions": doc["revisions"][1:]}, "names down revision l001"),
        (
            lambda doc: {**doc, "head_snapshot": {**doc["head_snapshot"], "fingerprint": "sha256:00"}},
            "fingerprint mismatch",
        ),
    ],
)
def test_corrupt_or_foreign_artifacts_are_clear_errors(linear: Ledger, mutate, message: str) -> None:
    changed = mutate(_document(linear))
    data = changed if isinstance(changed, bytes) else json.dumps(changed).encode()
    with pytest.raises(ArtifactError, match=message):
        load_ledger(data, "ledger.json.gz")


def test_a_failing_migration_names_the_revision_and_the_sql_error(server: TestServer) -> None:
    with pytest.raises(MigrationFailed) as caught:
        build(server, "failing")
    assert "replaying migration f002" in str(caught.value)
    assert 'relation "thingz" does not exist' in str(caught.value)


def test_an_extension_the_scratch_server_lacks_says_where_to_replay_instead(server: TestServer) -> None:
    # Given a migration that needs pg_trgm, which the embedded PostgreSQL does not ship
    on_embedded = replace(scratch(server), embedded=True)
    # When it is replayed on pgdrift's embedded server, the remedy is another scratch server
    with pytest.raises(MigrationFailed) as caught:
        replay(ini("needs_extension"), on_embedded)
    assert 'replaying migration x001: extension "pg_trgm" is not available' in str(caught.value)
    assert caught.value.remedy is not None
    assert caught.value.remedy.startswith("The migration is not at fault")
    assert "--scratch-dsn" in caught.value.remedy
    # ...and on a scratch database of the user's own, it is installing the extension there
    with pytest.raises(MigrationFailed) as caught:
        replay(ini("needs_extension"), scratch(server))
    assert str(caught.value.remedy).startswith("Install pg_trgm on the scratch server")


def test_a_role_production_has_is_created_on_the_scratch_server_when_named(server: TestServer) -> None:
    # Given a migration that grants to a role the scratch server does not have
    with pytest.raises(MigrationFailed) as caught:
        replay(ini("grants"), scratch(server))
    # Then the build says which role, and how to get it
    assert 'role "pgdrift_case_analysts" does not exist' in str(caught.value)
    assert "pass --role pgdrift_case_analysts" in str(caught.value.remedy)
    # When the role is named, pgdrift creates it (NOLOGIN) and the grant is in the ledger
    twice = ReplaySettings(roles=("pgdrift_case_analysts", "pgdrift_case_analysts"))
    built, _ = replay(ini("grants"), scratch(server), twice)
    assert "table public.reports TO pgdrift_case_analysts" in built.head_snapshot.of_kind("privilege")
    # ...and a role that already exists is left as it is
    replay(ini("grants"), scratch(server), ReplaySettings(roles=("pgdrift_case_analysts",)))
    admin = connect(server.admin_dsn)
    try:
        assert admin.run("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'pgdrift_case_analysts'") == [[False]]
    finally:
        admin.close()


def test_a_missing_extension_control_file_is_read_as_a_missing_extension() -> None:
    from pgdrift.migrations.replay import _failed_migration_remedy

    text = 'could not open extension control file "/usr/share/postgresql/18/extension/citext.control": No such file'
    assert _failed_migration_remedy(text, embedded=False).startswith("Install citext on the scratch server")
    assert _failed_migration_remedy('relation "thingz" does not exist', embedded=True).startswith("Fix the migration")


def test_multiple_heads_are_recorded_and_reported(server: TestServer) -> None:
    built, stats = replay(ini("two_heads"), scratch(server))
    assert set(built.heads) == {"t1", "t2"}
    assert "2 heads (t1, t2)" in stats.warnings[0] or "2 heads (t2, t1)" in stats.warnings[0]
    # At "head" only with both applied.
    assert built.expected_at(None).of_kind("table").keys() >= {"public.left_side", "public.right_side"}
    assert "public.right_side" not in built.expected_at("t1").of_kind("table")


def test_env_py_reading_an_environment_variable(server: TestServer) -> None:
    built, _ = replay(ini("envvar"), scratch(server), ReplaySettings(url_env=("APP_DATABASE_URL",)))
    assert "public.widgets" in built.head_snapshot.of_kind("table")
    with pytest.raises(MigrationFailed, match="e001") as caught:
        replay(ini("envvar"), scratch(server))
    assert "pass --url-env APP_DATABASE_URL" in str(caught.value)


def test_scratch_database_must_be_empty(server: TestServer) -> None:
    used = scratch(server)
    replay(ini("envvar"), used, ReplaySettings(url_env=("APP_DATABASE_URL",)))
    with pytest.raises(ConfigError, match="not empty"):
        replay(ini("envvar"), used, ReplaySettings(url_env=("APP_DATABASE_URL",)))


def test_missing_alembic_ini_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        replay(tmp_path / "alembic.ini", scratch_placeholder())


def scratch_placeholder():
    from pgdrift.migrations.replay import ScratchDatabase

    return ScratchDatabase("postgresql://nobody@/none?host=/nonexistent", "postgresql+pg8000://nobody@/none")


def test_cli_expected_build_on_a_scratch_dsn(server: TestServer, tmp_path, capsys) -> None:
    output = tmp_path / "ledger.json.gz"
    code = main(
        [
            "expected",
            "build",
            str(ini("branched")),
            "-o",
            str(output),
            "--scratch-dsn",
            scratch(server).dsn,
            "--quiet",
        ]
    )
    assert code == 0
    loaded = load_ledger(output.read_bytes(), str(output))
    assert loaded.heads == ("b3",) and len(loaded.revisions) == 6
    assert "6 revisions, head b3" in capsys.readouterr().err


def test_cli_expected_build_creates_the_named_roles(server: TestServer, tmp_path, capsys) -> None:
    output = tmp_path / "ledger.json.gz"
    arguments = ["expected", "build", str(ini("grants")), "-o", str(output), "--quiet"]
    # Without the role, the embedded replay fails with exit code 2 and names the flag
    assert main(arguments) == 2
    assert "pass --role pgdrift_case_analysts" in capsys.readouterr().err
    # With it, the ledger holds the grant
    assert main([*arguments, "--role", "pgdrift_case_analysts"]) == 0
    loaded = load_ledger(output.read_bytes(), str(output))
    assert "table public.reports TO pgdrift_case_analysts" in loaded.head_snapshot.of_kind("privilege")
