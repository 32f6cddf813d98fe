"""`pgdrift grant-sql` cannot be injected (issue 12): its SQL, run by psql as a superuser, creates
the intended role with the intended grants and nothing else, whatever names it is given.

The SQL runs through the embedded server's own psql (`psql -v ON_ERROR_STOP=1 -f`), the way an
administrator runs it, so psql's own syntax (backslash commands, :variables) is exercised too.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pg8000.native
import pytest

from pgdrift.catalog.grants import render_grant_sql
from pgdrift.cli import main
from pgdrift.errors import ConfigError
from tests.support import TestServer

ROLE_SETTINGS = ["default_transaction_read_only=on", "statement_timeout=60s"]

# Each is used at once as the role, the database, the schema and the version table's schema and
# name. Every one is a name PostgreSQL accepts, so the script must run and grant exactly that.
HOSTILE_NAMES = [
    'x"; CREATE TABLE pwned (i int); --',
    "x'); CREATE ROLE evil SUPERUSER; --",
    "app.versions",
    r"\! touch pwned",
    """:x :'x' :"x" """,
    "*/ CREATE TABLE pwned (i int); /*",
    "Mixed Case $$ Ünïcode --",
    "select",
    r"back\slash",
    "n" * 61 + "é",  # 63 bytes: the longest name PostgreSQL keeps whole
]


def sql_name(name: str) -> str:
    """The test's own quoting, independent of pgdrift's: "..." with doubled quotes."""
    return '"' + name.replace('"', '""') + '"'


def connect(server: TestServer, database: str) -> pg8000.native.Connection:
    assert server.embedded is not None
    socket = f"{server.embedded.socket_dir}/.s.PGSQL.{server.embedded.port}"
    return pg8000.native.Connection("postgres", unix_sock=socket, database=database)


def query(server: TestServer, database: str, sql: str, **parameters: Any) -> list[tuple[Any, ...]]:
    connection = connect(server, database)
    try:
        return sorted((tuple(row) for row in connection.run(sql, **parameters) or []), key=repr)
    finally:
        connection.close()


def cluster_state(server: TestServer) -> dict[str, list[tuple[Any, ...]]]:
    """Roles with every attribute and setting, memberships and databases: what a script could change."""
    return {
        "roles": query(server, "postgres", """
            SELECT r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
                   r.rolreplication, r.rolbypassrls, r.rolconnlimit, a.rolpassword IS NOT NULL,
                   r.rolvaliduntil::text, r.rolconfig::text
            FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid"""),
        "memberships": query(server, "postgres", "SELECT roleid::regrole::text, member::regrole::text "
                                                 "FROM pg_auth_members"),
        "role_settings": query(server, "postgres", "SELECT setdatabase, rolname, setconfig::text "
                                                   "FROM pg_db_role_setting JOIN pg_roles r ON r.oid = setrole"),
        "databases": query(server, "postgres", "SELECT datname, datacl::text FROM pg_database"),
    }


def database_objects(server: TestServer, database: str) -> list[tuple[Any, ...]]:
    """Every user-made schema, relation and function, with its privileges."""
    return query(server, database, """
        SELECT 'schema', nspname, nspacl::text FROM pg_namespace WHERE oid >= 16384
        UNION ALL SELECT 'relation', oid::regclass::text, relacl::text FROM pg_class WHERE oid >= 16384
        UNION ALL SELECT 'function', oid::regprocedure::text, proacl::text FROM pg_proc WHERE oid >= 16384""")


def privileges_of(server: TestServer, database: str, role: str) -> set[tuple[str, tuple[str, ...], str]]:
    rows = query(server, database, """
        WITH role AS (SELECT oid FROM pg_roles WHERE rolname = :role)
        SELECT 'database', ARRAY[datname::text], a.privilege_type
          FROM pg_database, aclexplode(datacl) a WHERE a.grantee = (SELECT oid FROM role)
        UNION ALL SELECT 'schema', ARRAY[nspname::text], a.privilege_type
          FROM pg_namespace, aclexplode(nspacl) a WHERE a.grantee = (SELECT oid FROM role)
        UNION ALL SELECT 'table', ARRAY[nspname::text, relname::text], a.privilege_type
          FROM pg_class JOIN pg_namespace n ON n.oid = relnamespace, aclexplode(relacl) a
          WHERE a.grantee = (SELECT oid FROM role)""", role=role)
    return {(kind, tuple(name), privilege) for kind, name, privilege in rows}


def grant_sql(capsys: pytest.CaptureFixture[str], *arguments: str) -> str:
    assert main(["grant-sql", *arguments]) == 0
    return capsys.readouterr().out


def run_psql(server: TestServer, database: str, script: str, folder: Path,
             stop_on_error: bool = True) -> subprocess.CompletedProcess[str]:
    """psql as an administrator runs it, in `folder` (where `\\! touch` would leave a file)."""
    assert server.embedded is not None
    path = folder / "grant.sql"
    path.write_text(script, encoding="utf-8")
    quoted_database = database.replace("\\", "\\\\").replace("'", "\\'")
    conninfo = f"dbname='{quoted_database}' host={server.embedded.socket_dir} port={server.embedded.port} user=postgres"
    command = [server.embedded.bin("psql"), "-X", "-v", "x=INTERPOLATED", "-d", conninfo, "-f", str(path)]
    if stop_on_error:
        command[1:1] = ["-v", "ON_ERROR_STOP=1"]
    environment = {"PATH": os.environ.get("PATH", ""), "PGCLIENTENCODING": "UTF8", "HOME": str(folder)}
    return subprocess.run(command, capture_output=True, text=True, cwd=folder, env=environment, timeout=60,
                          check=False)


def create(server: TestServer, database: str, sql: str) -> None:
    connection = connect(server, "postgres")
    try:
        connection.run(f"CREATE DATABASE {sql_name(database)}")
    finally:
        connection.close()
    connection = connect(server, database)
    try:
        connection.run(sql)
    finally:
        connection.close()


def drop(server: TestServer, database: str, role: str) -> None:
    connection = connect(server, "postgres")
    try:
        connection.run(f"DROP DATABASE IF EXISTS {sql_name(database)} WITH (FORCE)")
        connection.run(f"DROP ROLE IF EXISTS {sql_name(role)}")
    finally:
        connection.close()


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=[f"name{index}" for index in range(len(HOSTILE_NAMES))])
def test_hostile_names_grant_exactly_the_intended_role(pg18: TestServer, tmp_path: Path, name: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # Given a database, a schema and a version table all named `name`
    create(pg18, name, f"CREATE SCHEMA {sql_name(name)}; CREATE TABLE {sql_name(name)}.{sql_name(name)} "
                       "(version_num varchar(32) PRIMARY KEY);")
    try:
        before, objects_before = cluster_state(pg18), database_objects(pg18, name)
        script = grant_sql(capsys, "--role", name, "--database", name, "--schema", name, "--connection-limit", "5",
                           "--alembic-table", f"{sql_name(name)}.{sql_name(name)}")
        # When an administrator runs the SQL
        result = run_psql(pg18, name, script, tmp_path)
        # Then it succeeds and creates the role `name`, as intended
        assert result.returncode == 0, result.stderr
        after = cluster_state(pg18)
        new_roles = [row for row in after["roles"] if row not in before["roles"]]
        assert new_roles == [(name, False, True, False, False, True, False, False, 5, False, None,
                              "{" + ",".join(ROLE_SETTINGS) + "}")]
        # and nothing else: no other role created or altered, no membership, no database
        assert [row for row in after["roles"] if row[0] != name] == before["roles"]
        assert after["memberships"] == before["memberships"]
        assert [row for row in after["role_settings"] if row[1] != name] == before["role_settings"]
        assert [row[0] for row in after["databases"]] == [row[0] for row in before["databases"]]
        # no new table, schema or function; only the grants to the role on what exists
        objects_after = database_objects(pg18, name)
        assert [row[:2] for row in objects_after] == [row[:2] for row in objects_before]
        assert privileges_of(pg18, name, name) == {
            ("database", (name,), "CONNECT"), ("schema", (name,), "USAGE"), ("table", (name, name), "SELECT")}
        assert not (tmp_path / "pwned").exists() and "INTERPOLATED" not in str(objects_after)
    finally:
        drop(pg18, name, name)


def test_a_role_that_exists_is_left_alone_even_without_on_error_stop(pg18: TestServer, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # Given an existing role of the same name (an application's, say)
    victim = database = f"app_owner_{os.getpid()}"
    create(pg18, database, f"CREATE ROLE {victim} LOGIN")
    try:
        before = cluster_state(pg18)
        script = grant_sql(capsys, "--role", victim, "--database", database)
        # When the SQL runs through psql without ON_ERROR_STOP (it goes on after an error)
        result = run_psql(pg18, database, script, tmp_path, stop_on_error=False)
        # Then CREATE ROLE fails and the rest is rolled back with it: the role is not made read-only,
        # limited or granted anything
        assert "already exists" in result.stderr
        assert cluster_state(pg18) == before
        assert privileges_of(pg18, database, victim) == set()
    finally:
        drop(pg18, database, victim)


def test_iam_grants_rds_iam_and_sets_no_password(pg18: TestServer, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    role = database = f"pgdrift_iam_{os.getpid()}"
    create(pg18, database, "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);")
    query(pg18, "postgres", "DO $$ BEGIN CREATE ROLE rds_iam; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    try:
        script = grant_sql(capsys, "--role", role, "--database", database, "--iam")
        assert "\\password" not in script and "IAM" in script
        assert run_psql(pg18, database, script, tmp_path).returncode == 0
        assert (role, role) in query(pg18, "postgres", "SELECT member::regrole::text, :role FROM pg_auth_members "
                                                       "WHERE roleid = 'rds_iam'::regrole", role=role)
        assert privileges_of(pg18, database, role) == {
            ("database", (database,), "CONNECT"), ("schema", ("public",), "USAGE"),
            ("table", ("public", "alembic_version"), "SELECT")}
    finally:
        drop(pg18, database, role)


@pytest.mark.parametrize(("flag", "value", "words"), [
    ("--role", "x\nCREATE TABLE pwned (i int);", "control character U+000A"),
    ("--database", "app\r\nCREATE ROLE evil SUPERUSER;", "control character U+000D"),
    ("--schema", "a\x00b", "control character U+0000"),
    ("--schema", "tab\there", "control character U+0009"),
    ("--role", "evil\u202eredro", "control character U+202E"),
    ("--role", "r" * 64, "64 bytes long"),
    ("--database", "é" * 32, "64 bytes long"),
    ("--schema", "", "is empty"),
    ("--role", "pg_pgdrift", "reserved"),
    ("--role", "public", "reserved"),
    ("--alembic-table", "public.alembic_version TO x; CREATE TABLE pwned (i int); --", "double quotes"),
    ("--alembic-table", "db.public.alembic_version", "more than two names"),
    ("--alembic-table", '"unterminated.alembic_version', "double quotes"),
    ("--alembic-table", '"a\nb".alembic_version', "control character U+000A"),
    ("--alembic-table", '"".alembic_version', "is empty"),
    ("--alembic-table", '"' + "t" * 64 + '"', "64 bytes long"),
    ("--connection-limit", "0", "1 or more"),
    ("--connection-limit", "-3", "1 or more"),
    ("--connection-limit", "many", "1 or more"),
])
def test_a_value_that_cannot_be_a_name_exits_2_naming_the_flag(flag: str, value: str, words: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    arguments = {"--database": "app", flag: value}
    with pytest.raises(SystemExit) as exited:
        main(["grant-sql", *[part for pair in arguments.items() for part in pair]])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    message = captured.err.splitlines()[-1]
    assert message.startswith(f"pgdrift: error: argument {flag}: ") and words in message


@pytest.mark.parametrize("arguments", [
    {"role": "x\nCREATE ROLE evil SUPERUSER;"},
    {"database": "a" * 64},
    {"schemas": ["ok", "no\nway"]},
    {"alembic_table": "public.v; DROP TABLE x"},
    {"connection_limit": 0},
])
def test_the_core_refuses_the_same_values(arguments: dict[str, Any]) -> None:
    values: dict[str, Any] = {"role": "pgdrift_monitor", "database": "app", "schemas": ["public"],
                              "alembic_table": "public.alembic_version", **arguments}
    with pytest.raises(ConfigError, match="writing the grant SQL"):
        render_grant_sql(**values)


def test_the_header_states_the_connection_budget(capsys: pytest.CaptureFixture[str]) -> None:
    script = grant_sql(capsys, "--database", "app", "--connection-limit", "10")
    assert "CONNECTION LIMIT 10;" in script
    assert "-- CONNECTION LIMIT 10: it must be at least the monitor function's reserved concurrency x 2" in script
    assert "CONNECTION LIMIT 3;" in grant_sql(capsys, "--database", "app")
    # Unquoted names fold to lower case, quoted ones keep theirs and may hold dots, as in SQL.
    script = grant_sql(capsys, "--database", "app", "--schema", "app", "--alembic-table", 'Meta."Alembic.Versions"')
    assert 'GRANT SELECT ON TABLE meta."Alembic.Versions" TO pgdrift_monitor;' in script
    assert "GRANT USAGE ON SCHEMA meta TO pgdrift_monitor;" in script
