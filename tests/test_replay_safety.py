"""The replay never migrates anything but its scratch database, and never succeeds on nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pgdrift.cli import main
from pgdrift.errors import ConfigError
from pgdrift.migrations.replay import FailureKind, ReplayFailed, ReplaySettings, replay
from pgdrift.migrations.replay_guard import MAX_STATEMENT_CHARS, MAX_STATEMENTS, StatementRecorder
from tests.alembic_projects.support import PROJECTS, fresh_name, ini, scratch
from tests.conftest import _get_server
from tests.support import TestServer, connect


@pytest.fixture(scope="module")
def server(_servers: dict[str, TestServer]) -> Iterator[TestServer]:
    yield _get_server(_servers, "pg18")


def user_relations(dsn: str) -> list[str]:
    connection = connect(dsn)
    try:
        rows = connection.run("SELECT relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
                              "WHERE n.nspname = 'public' ORDER BY 1")
    finally:
        connection.close()
    return [row[0] for row in rows]


def decoy(server: TestServer) -> tuple[str, str, str]:
    """A database that must stay untouched: its name, DSN, and a SQLAlchemy URL with a password."""
    assert server.embedded is not None
    name = fresh_name("decoy")
    dsn = server.create_database(name=name)
    socket = f"{server.embedded.socket_dir}/.s.PGSQL.{server.embedded.port}"
    return name, dsn, f"postgresql+pg8000://postgres:decoy-secret@/{name}?unix_sock={socket}"


def test_an_application_that_froze_another_url_at_import_is_refused(server: TestServer, monkeypatch,
                                                                     tmp_path: Path) -> None:
    # Given an application that reads FROZEN_APP_DATABASE_URL once, when its migrations import it,
    # and a user whose shell points that variable at another database
    name, decoy_dsn, decoy_url = decoy(server)
    monkeypatch.setenv("FROZEN_APP_DATABASE_URL", decoy_url)
    monkeypatch.chdir(tmp_path)
    # When the ledger is built without telling pgdrift about the variable
    with pytest.raises(ReplayFailed) as caught:
        replay(ini("frozen_settings"), scratch(server))
    # Then the engine is refused, named by host and database, password redacted, with the flag
    assert caught.value.kind is FailureKind.FOREIGN_DATABASE
    assert f"database {name}" in str(caught.value)
    assert "decoy-secret" not in str(caught.value)
    assert "--url-env NAME" in str(caught.value.remedy)
    assert user_relations(decoy_dsn) == []
    # ...and without the variable, the application's SQLite default is refused too (no file written)
    monkeypatch.delenv("FROZEN_APP_DATABASE_URL")
    with pytest.raises(ReplayFailed, match=r"frozen_app\.db") as caught:
        replay(ini("frozen_settings"), scratch(server))
    assert caught.value.kind is FailureKind.FOREIGN_DATABASE
    assert not (tmp_path / "frozen_app.db").exists()
    # When the variable is named, the application froze the scratch URL: the build is complete
    monkeypatch.setenv("FROZEN_APP_DATABASE_URL", decoy_url)
    built, stats = replay(ini("frozen_settings"), scratch(server),
                          ReplaySettings(url_env=("FROZEN_APP_DATABASE_URL",)))
    assert stats.revisions == 2
    assert "public.tasks.title" in built.head_snapshot.of_kind("column")
    assert user_relations(decoy_dsn) == []


def test_a_connection_made_behind_sqlalchemys_back_stops_the_build(server: TestServer, monkeypatch) -> None:
    # Given an env.py whose engine has the scratch URL but a `creator` that connects to the decoy
    assert server.embedded is not None
    name, decoy_dsn, _ = decoy(server)
    monkeypatch.setenv("BYPASS_DECOY_DATABASE", name)
    monkeypatch.setenv("BYPASS_DECOY_SOCKET", f"{server.embedded.socket_dir}/.s.PGSQL.{server.embedded.port}")
    # When the ledger is built
    with pytest.raises(ReplayFailed) as caught:
        replay(ini("bypass"), scratch(server))
    # Then the first revision is found missing from the scratch database, and nothing more runs
    assert caught.value.kind is FailureKind.NOT_APPLIED
    assert "replaying migration by001" in str(caught.value)
    assert "does not record by001" in str(caught.value)
    assert "bypassed_2" not in user_relations(decoy_dsn)


def test_no_revisions_is_an_error_naming_where_alembic_looked(server: TestServer) -> None:
    with pytest.raises(ConfigError) as caught:
        replay(ini("runtime_versions"), scratch(server))
    message = str(caught.value)
    assert "no revisions found" in message
    assert str(PROJECTS / "runtime_versions" / "migrations" / "versions") in message
    assert "--version-location" in message
    # Pointed at the folder the application's own command uses, the build succeeds
    settings = ReplaySettings(version_locations=(str(PROJECTS / "runtime_versions" / "app_revisions"),))
    built, stats = replay(ini("runtime_versions"), scratch(server), settings)
    assert stats.revisions == 1 and built.heads == ("rv001",)


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"import os\nprint(os.getcwd())\n", b"[loggers]\nkeys = root\n"],
    ids=["binary", "python", "ini-without-alembic"],
)
def test_a_file_that_is_not_an_alembic_config_is_one_sentence(tmp_path: Path, capsys, content: bytes) -> None:
    path = tmp_path / "not_alembic.ini"
    path.write_bytes(content)
    assert main(["expected", "build", str(path), "-o", str(tmp_path / "ledger.json.gz"), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"pgdrift: error: {path} ")
    assert "pass the project's alembic.ini" in error
    assert error.count("\n") == 1 and "Traceback" not in error
    assert not (tmp_path / "ledger.json.gz").exists()


def test_a_relative_script_location_names_the_folder_it_was_resolved_against(server: TestServer, tmp_path: Path,
                                                                             monkeypatch) -> None:
    # Given an ini whose script_location is relative, run from another folder than the project's
    project = tmp_path / "project"
    (project / "migrations").mkdir(parents=True)
    (project / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # Then the error says against which folder Alembic resolved it, and what to do
    with pytest.raises(ConfigError) as caught:
        replay(project / "alembic.ini", scratch(server))
    assert f"against the current directory, {elsewhere}" in str(caught.value)
    assert "--script-location" in str(caught.value)


def test_recorded_statements_keep_no_password_and_stay_bounded() -> None:
    # Given a migration that sends a role's password, an outsized statement and too many statements
    recorder = StatementRecorder()

    def upgrade(texts: list[str]) -> None:
        for text in texts:
            recorder.before_cursor_execute(None, None, text, None, None, False)

    send = recorder.around(upgrade)
    recorder.before_cursor_execute(None, None, "SELECT pg_catalog.version()", None, None, False)  # before upgrade()
    send(["CREATE ROLE app LOGIN PASSWORD 'hunter''2' VALID UNTIL 'infinity'", "INSERT INTO t VALUES ('"
          + "x" * 3 * MAX_STATEMENT_CHARS + "')"] + ["UPDATE t SET n = n + 1"] * MAX_STATEMENTS)
    recorded = recorder.take()
    # Then the password is not recorded, nor what was sent outside upgrade()
    assert recorded[0] == "CREATE ROLE app LOGIN PASSWORD '<redacted>' VALID UNTIL 'infinity'"
    # and the ledger's text stays bounded, saying what it left out
    assert len(recorded[1]) < MAX_STATEMENT_CHARS + 40 and recorded[1].endswith("-- pgdrift: cut short")
    assert len(recorded) == MAX_STATEMENTS + 1 and recorded[-1] == "-- pgdrift: 2 more statement(s) not recorded"
    assert recorder.take() == []
