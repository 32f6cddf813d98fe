"""A corpus of small Alembic projects shaped like real ones, each built from its own configuration
and checked clean against a database that the project's own upgrade command produced."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pgdrift.cli import main
from pgdrift.migrations import ledger as ledger_module
from pgdrift.migrations.embedded import contrib_binaries
from pgdrift.migrations.replay import (
    FailureKind,
    ReplayFailed,
    ReplaySettings,
    build_expected,
    classify_failure,
    replay,
)
from pgdrift.migrations.replay_guard import with_driver
from tests.alembic_projects.support import PROJECTS, fresh_name, scratch
from tests.conftest import _get_server
from tests.support import TestServer


@pytest.fixture(scope="module")
def server(_servers: dict[str, TestServer]) -> Iterator[TestServer]:
    yield _get_server(_servers, "pg18")


_ALEMBIC_UPGRADE = """
import sys
from alembic import command
from alembic.config import Config
config = Config(sys.argv[1], toml_file=sys.argv[2] if sys.argv[2] != "-" else None)
config.set_main_option("sqlalchemy.url", sys.argv[3].replace("%", "%%"))
command.upgrade(config, "head")
"""


@dataclass(frozen=True)
class Project:
    """A corpus project: how pgdrift is told about it, and how the project upgrades itself."""

    name: str
    config: str = "alembic.ini"  # what is passed to `pgdrift expected build`
    settings: ReplaySettings = field(default_factory=ReplaySettings)
    own_upgrade: str = "alembic"  # "alembic" (alembic upgrade head) or the project's app_upgrade.py
    driver: str = "pg8000"  # the driver in the URL the project's own upgrade is given
    url_env: str | None = None  # the project reads its URL from this variable
    revisions: int = 0


CORPUS = [
    Project("frozen_settings", settings=ReplaySettings(url_env=("FROZEN_APP_DATABASE_URL",)),
            url_env="FROZEN_APP_DATABASE_URL", revisions=2),
    Project("runtime_versions", own_upgrade="app_upgrade.py", revisions=1,
            settings=ReplaySettings(version_locations=(str(PROJECTS / "runtime_versions" / "app_revisions"),))),
    Project("async_template", driver="asyncpg", revisions=2),
    Project("pyproject_cfg", config="pyproject.toml", revisions=4),
    Project("create_all", settings=ReplaySettings(bootstrap_metadata="ca_app.models:metadata"),
            own_upgrade="app_upgrade.py", revisions=2),
    Project("worker_thread", settings=ReplaySettings(run_env="thread"), own_upgrade="app_upgrade.py", revisions=1),
    Project("event_loop", settings=ReplaySettings(run_env="loop"), own_upgrade="app_upgrade.py", driver="asyncpg",
            revisions=1),
    Project("branched", revisions=6),
    Project("enum_reuse", revisions=2),
    Project("if_exists", revisions=2),
]


def own_upgrade(server: TestServer, project: Project) -> str:
    """A new database upgraded to head by the project's own tooling; its DSN."""
    assert server.embedded is not None
    name = fresh_name(project.name)
    dsn = server.create_database(name=name)
    url = with_driver(server.embedded.sqlalchemy_url(name), project.driver).render_as_string(hide_password=False)
    folder = PROJECTS / project.name
    environment = dict(os.environ) | ({project.url_env: url} if project.url_env else {})
    if project.own_upgrade == "alembic":
        toml = folder / "pyproject.toml"
        command = [sys.executable, "-c", _ALEMBIC_UPGRADE, str(folder / "alembic.ini"),
                   str(toml) if toml.exists() else "-", url]
    else:
        command = [sys.executable, str(folder / project.own_upgrade), url]
    upgraded = subprocess.run(command, env=environment, cwd=folder, capture_output=True, text=True, timeout=120)
    assert upgraded.returncode == 0, upgraded.stderr
    return dsn


@pytest.mark.parametrize("project", CORPUS, ids=[project.name for project in CORPUS])
def test_each_project_builds_from_its_own_config_and_checks_clean(server: TestServer, project: Project,
                                                                   tmp_path: Path, monkeypatch, capsys) -> None:
    # Given the project's own folder as the current directory (relative paths resolve as Alembic's do)
    monkeypatch.chdir(PROJECTS / project.name)
    # When pgdrift builds its ledger with documented flags only
    built, stats = replay(PROJECTS / project.name / project.config, scratch(server), project.settings)
    assert stats.revisions == project.revisions
    # Whichever way env.py runs (async engine, worker thread, event loop, shared connection), each
    # migration's statements are recorded, and Alembic's version-table statements are not (issue 15)
    recorded = [text for revision in built.revisions for text in revision.statements or ()]
    assert recorded and not any("alembic_version" in text for text in recorded)
    # Then a database the project's own upgrade produced is at head and clean
    ledger_path = tmp_path / "ledger.json.gz"
    ledger_path.write_bytes(ledger_module.dumps(built))
    dsn = own_upgrade(server, project)
    code = main(["check", dsn, "--expected", str(ledger_path)])
    assert code == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("project", "kind", "remedy"),
    [
        ("create_all", FailureKind.MISSING_BOOTSTRAP, "--bootstrap-metadata module:metadata"),
        ("worker_thread", FailureKind.PYTHON_ERROR, "--run-env thread"),
        ("event_loop", FailureKind.PYTHON_ERROR, "--run-env loop"),
        ("failing", FailureKind.SQL_ERROR, "fix the migration"),
    ],
)
def test_each_failure_says_what_kind_it_is_and_what_to_do(server: TestServer, project: str, kind: FailureKind,
                                                          remedy: str) -> None:
    with pytest.raises(ReplayFailed) as caught:
        replay(PROJECTS / project / "alembic.ini", scratch(server))
    assert caught.value.kind is kind
    assert remedy in str(caught.value.remedy)
    if kind is not FailureKind.SQL_ERROR:
        assert "fix the migration" not in str(caught.value.remedy).lower()


def test_a_bootstrap_sql_file_gives_the_same_start(server: TestServer, monkeypatch) -> None:
    monkeypatch.chdir(PROJECTS / "create_all")
    built, _ = replay(PROJECTS / "create_all" / "alembic.ini", scratch(server),
                      ReplaySettings(bootstrap_sql="base_schema.sql"))
    assert "public.users.created_at" in built.head_snapshot.of_kind("column")
    # The base schema is the ledger's starting point, not a change of the first revision
    assert "public.users" in built.expected_at(()).of_kind("table")


@pytest.mark.parametrize(
    ("facts", "kind"),
    [
        ({"type": "ProgrammingError", "text": "x", "sqlstate": "0A000",
          "server_message": 'extension "citext" is not available'}, FailureKind.MISSING_EXTENSION),
        ({"type": "KeyError", "text": "'DATABASE_URL'", "key": "DATABASE_URL"}, FailureKind.MISSING_URL_VARIABLE),
        ({"type": "ModuleNotFoundError", "text": "No module named 'myapp'"}, FailureKind.PYTHON_ERROR),
        ({"type": "ProgrammingError", "text": "x", "sqlstate": "42P01",
          "server_message": 'relation "users" does not exist'}, FailureKind.SQL_ERROR),
    ],
    ids=["extension", "url-variable", "import", "later-undefined-table"],
)
def test_classification_of_reported_failures(facts: dict[str, object], kind: FailureKind) -> None:
    from pgdrift.migrations.replay import FailureContext

    # A later revision that refers to a table an earlier one created is the migration's fault
    context = FailureContext("r2", first=False, embedded=False, known_relations=frozenset({"users"}))
    assert classify_failure({"refused": [], **facts}, context).kind is kind


@pytest.mark.skipif(contrib_binaries(18) is None, reason="`make` installs PostgreSQL 18 with contrib "
                    "(python -m pgdrift.migrations.embedded install 18)")
def test_the_embedded_default_has_the_contrib_extensions_rds_offers() -> None:
    built, _ = build_expected(PROJECTS / "extensions" / "alembic.ini")
    assert {"pg_trgm", "citext", "hstore", "pgcrypto", "btree_gist"} <= set(built.head_snapshot.of_kind("extension"))
    assert "public.ix_people_email_trgm" in built.head_snapshot.of_kind("index")


def test_the_embedded_server_runs_the_major_version_asked_for() -> None:
    built, _ = build_expected(PROJECTS / "linear" / "alembic.ini", pg_version=16)
    assert built.head_snapshot.meta.server_version_num // 10000 == 16


def test_a_missing_uuid_ossp_library_names_the_os_package() -> None:
    from pgdrift.migrations.replay import _failed_migration_remedy

    text = ('could not load library "/x/lib/postgresql/uuid-ossp.so": libossp-uuid.so.16: cannot open shared '
            'object file')
    assert "apt-get install libossp-uuid16" in _failed_migration_remedy(text, embedded=True, contrib=True)


@pytest.mark.parametrize(("project", "driver"), [("async_template", "asyncpg"), ("linear", "psycopg")])
def test_cli_scratch_dsn_with_a_driver_and_progress_lines(server: TestServer, tmp_path: Path, capsys,
                                                          project: str, driver: str) -> None:
    # Given a scratch DSN that names the driver env.py is to use
    dsn = scratch(server).dsn.replace("postgresql://", f"postgresql+{driver}://")
    output = tmp_path / "ledger.json.gz"
    # When the ledger is built with progress asked for (stderr is not a terminal here)
    code = main(["expected", "build", str(PROJECTS / project / "alembic.ini"), "-o", str(output),
                 "--scratch-dsn", dsn, "--progress"])
    # Then it succeeds and prints one line per revision: [n/N] revision message (seconds)
    error = capsys.readouterr().err
    assert code == 0, error
    first = ledger_module.load_ledger(output.read_bytes(), str(output)).revisions[0]
    assert re.search(rf"^\[1/\d+\] {first.id} {re.escape(first.message)} \(\d+\.\d\d s\)$", error, re.MULTILINE)


def test_progress_is_quiet_when_stderr_is_not_a_terminal(server: TestServer, tmp_path: Path, capsys) -> None:
    output = tmp_path / "ledger.json.gz"
    assert main(["expected", "build", str(PROJECTS / "linear" / "alembic.ini"), "-o", str(output),
                 "--scratch-dsn", scratch(server).dsn]) == 0
    assert "[1/" not in capsys.readouterr().err
