"""The snapshot as a least-privileged monitoring role equals the superuser's, object for object.

The role is created with the SQL `pgdrift grant-sql` ships: LOGIN, CONNECT, USAGE on the schemas
and SELECT on alembic_version, and no table privileges.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import pytest

from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.grants import render_grant_sql
from pgdrift.catalog.reader import ReadOptions, read_snapshot
from pgdrift.errors import PermissionDenied
from pgdrift.schema.model import Snapshot
from tests.support import TestServer, execute
from tests.test_catalog import all_kinds

PASSWORD = "Least-Privileged-Secret-42"
_roles = itertools.count()


def create_monitor_role(server: TestServer, database: str, schemas: list[str], alembic: bool) -> str:
    role = f"pgdrift_monitor_{os.getpid()}_{next(_roles)}"
    script = render_grant_sql(role, database, schemas, "public.alembic_version" if alembic else None)
    execute(server.dsn_for(database), script + f"ALTER ROLE {role} PASSWORD '{PASSWORD}';")
    return role


def without_monitor_grants(snapshot: Snapshot) -> dict[str, dict[str, dict[str, Any]]]:
    """The content minus grants to monitoring roles made by these tests (roles are cluster-wide)."""
    content = snapshot.content()
    content["privilege"] = {key: value for key, value in content["privilege"].items()
                            if not value["grantee"].startswith("pgdrift_monitor_")}
    return content


def test_monitoring_role_sees_everything(server: TestServer) -> None:
    if server.embedded is None:
        pytest.skip("needs a server where the test can create roles with passwords over TCP")
    dsn, before_grants = all_kinds(server)
    database = parse_dsn(dsn).database
    role = create_monitor_role(server, database, ["public", "billing"], alembic=True)
    as_superuser = read_snapshot(parse_dsn(dsn))

    as_monitor = read_snapshot(parse_dsn(server.dsn_for(database, user=role, password=PASSWORD, tcp=True)))

    # The superuser sees the monitoring role's own grants; the role leaves them out of its snapshot.
    assert any(value["grantee"] == role for value in as_superuser.content()["privilege"].values())
    assert not any(value["grantee"] == role for value in as_monitor.content()["privilege"].values())
    assert without_monitor_grants(as_monitor) == without_monitor_grants(as_superuser)
    assert without_monitor_grants(as_monitor) == without_monitor_grants(before_grants)
    assert as_monitor.meta.alembic.revisions == ("20260115_0200",)
    assert PASSWORD not in as_monitor.meta.source


def test_role_without_alembic_grant_records_it_as_unreadable(server: TestServer) -> None:
    if server.embedded is None:
        pytest.skip("needs a server where the test can create roles with passwords over TCP")
    dsn, as_superuser = all_kinds(server)
    database = parse_dsn(dsn).database
    role = create_monitor_role(server, database, ["public", "billing"], alembic=False)

    snapshot = read_snapshot(parse_dsn(server.dsn_for(database, user=role, password=PASSWORD, tcp=True)))

    assert snapshot.meta.alembic.status == "unreadable"
    assert "permission denied" in (snapshot.meta.alembic.detail or "")
    assert "grant-sql" in (snapshot.meta.alembic.detail or "")
    # The rest is still read in full.
    assert without_monitor_grants(snapshot) == without_monitor_grants(as_superuser)


def test_role_without_connect_gets_a_clear_error(server: TestServer) -> None:
    if server.embedded is None:
        pytest.skip("needs a server where the test can create roles with passwords over TCP")
    dsn = server.create_database("CREATE TABLE t (id int);")
    database = parse_dsn(dsn).database
    execute(dsn, f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC;')
    role = f"pgdrift_noconnect_{os.getpid()}_{next(_roles)}"
    execute(dsn, f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}';")

    with pytest.raises(PermissionDenied) as raised:
        read_snapshot(parse_dsn(server.dsn_for(database, user=role, password=PASSWORD, tcp=True)))

    message = str(raised.value)
    assert "permission denied for database" in message
    assert "grant-sql" in message
    assert PASSWORD not in message


def test_role_reads_the_version_table_in_a_schema_it_does_not_monitor(server: TestServer) -> None:
    if server.embedded is None:
        pytest.skip("needs a server where the test can create roles with passwords over TCP")
    # Given the application in schema app, Alembic's table in public, and public closed to PUBLIC
    dsn = server.create_database(
        "CREATE SCHEMA app; CREATE TABLE app.orders (id int PRIMARY KEY); "
        "CREATE TABLE public.alembic_version (version_num varchar(32) PRIMARY KEY); "
        "INSERT INTO public.alembic_version VALUES ('a1'); REVOKE ALL ON SCHEMA public FROM PUBLIC;")
    database = parse_dsn(dsn).database
    role = f"pgdrift_monitor_{os.getpid()}_{next(_roles)}"
    script = render_grant_sql(role, database, ["app"], "public.alembic_version")
    assert f"GRANT USAGE ON SCHEMA public TO {role};" in script
    execute(dsn, script + f"ALTER ROLE {role} PASSWORD '{PASSWORD}';")
    # When it reads only app
    as_monitor = parse_dsn(server.dsn_for(database, user=role, password=PASSWORD, tcp=True))
    snapshot = read_snapshot(as_monitor, ReadOptions(include_schemas=("app",)))
    # Then it still knows the database's revision
    assert (snapshot.meta.alembic.status, snapshot.meta.alembic.revisions) == ("present", ("a1",))
