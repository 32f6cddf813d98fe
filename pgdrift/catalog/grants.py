"""The SQL that creates pgdrift's least-privileged monitoring role (`pgdrift grant-sql`).

The role can log in, connect and use the schemas, and read `alembic_version`; it has no other
table privilege. pg_catalog is readable by every role, which is all the snapshot needs.

An administrator runs this SQL as a superuser, so no name given to it may change what it does
(issue 12): every name is quoted as PostgreSQL quotes identifiers, a name that cannot be one
(a control character, more than 63 bytes) is refused, and comments hold only quoted names.
The script is one transaction, so a failing statement (a role that already exists) leaves
nothing half done even when psql is not told to stop on errors.
"""

from __future__ import annotations

from collections.abc import Sequence

from pgdrift.catalog.reader import ReadOptions
from pgdrift.errors import ConfigError
from pgdrift.schema.identity import identifier_problem, parse_qualified_name, qualify, quote_ident

#: Connections one monitor run opens at most: one per job of the catalog reader (two); reserved
#: concurrency x this must fit the role's CONNECTION LIMIT (issue 12).
CONNECTIONS_PER_RUN = ReadOptions().jobs
#: The CONNECTION LIMIT of the role this creates; the deployment sizes the monitor's reserved
#: concurrency to fit it (infra/config.py, monitor.connection_limit).
DEFAULT_CONNECTION_LIMIT = 3
#: Roles PostgreSQL reserves: CREATE ROLE refuses them.
_RESERVED_ROLES = ("public", "none")


def role_problem(role: str) -> str | None:
    """Why `role` cannot name the new monitoring role, or None."""
    problem = identifier_problem(role)
    if problem is None and (role in _RESERVED_ROLES or role.startswith("pg_")):
        problem = "is reserved by PostgreSQL"
    return problem


def _checked(name: str, what: str, problem: str | None) -> str:
    if problem:
        raise ConfigError(f"writing the grant SQL: the {what} {name!r} {problem}",
                          "Give a name PostgreSQL accepts")
    return name


def _comment(text: str) -> str:
    # Only quoted names go in here, and they cannot hold a line break; refuse one all the same.
    if any(char in text for char in "\r\n"):
        raise ConfigError("writing the grant SQL: a comment would span lines")
    return f"-- {text}"


def render_grant_sql(role: str, database: str, schemas: Sequence[str], alembic_table: str | None,
                     connection_limit: int = DEFAULT_CONNECTION_LIMIT, iam: bool = False) -> str:
    """The script; `alembic_table` is `NAME` or `SCHEMA.NAME` as SQL spells it (quotes allowed)."""
    quoted_role = quote_ident(_checked(role, "role", role_problem(role)))
    quoted_database = quote_ident(_checked(database, "database", identifier_problem(database)))
    for schema in schemas:
        _checked(schema, "schema", identifier_problem(schema))
    if connection_limit < 1:
        raise ConfigError(f"writing the grant SQL: a connection limit of {connection_limit} lets the role "
                          "open no connection", "Give 1 or more")
    table = _table_parts(alembic_table)
    lines = [
        _comment(f"pgdrift monitoring role {quoted_role} for database {quoted_database}: catalog reads only, "
                 "no table data. Run as the database owner or rds_superuser (psql -v ON_ERROR_STOP=1 -f)."),
        *_authentication_comments(quoted_role, iam),
        _comment(f"CONNECTION LIMIT {connection_limit}: it must be at least the monitor function's reserved "
                 f"concurrency x {CONNECTIONS_PER_RUN} (the connections one run opens)."),
        "BEGIN;",
        f"CREATE ROLE {quoted_role} LOGIN CONNECTION LIMIT {int(connection_limit)};",
        f"ALTER ROLE {quoted_role} SET default_transaction_read_only = on;",
        f"ALTER ROLE {quoted_role} SET statement_timeout = '60s';",
        f"GRANT CONNECT ON DATABASE {quoted_database} TO {quoted_role};",
    ]
    # The version table's schema too, when it is not one of those read (public, with --schema app).
    usage = [*schemas, *(table[:1] if len(table) == 2 and table[0] not in schemas else [])]
    lines += [f"GRANT USAGE ON SCHEMA {quote_ident(schema)} TO {quoted_role};" for schema in usage]
    if table:
        lines.append(f"GRANT SELECT ON TABLE {qualify(*table)} TO {quoted_role};")
    if iam:
        lines.append(f"GRANT rds_iam TO {quoted_role};")
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def _table_parts(alembic_table: str | None) -> tuple[str, ...]:
    if not alembic_table:
        return ()
    try:
        return parse_qualified_name(alembic_table)
    except ValueError as error:
        raise ConfigError(f"writing the grant SQL: the Alembic table {alembic_table!r} {error}") from None


def _authentication_comments(quoted_role: str, iam: bool) -> list[str]:
    if iam:
        return [_comment("IAM authentication (rds_iam): the role has no password; the monitor connects with an "
                         "IAM token, which its execution role gets through rds-db:connect.")]
    return [_comment(f"Set the password separately (psql: \\password {quoted_role}) and store it in Secrets "
                     "Manager; it is never printed here.")]
