"""The SQL that creates pgdrift's least-privileged monitoring role (`pgdrift grant-sql`).

The role can log in, connect and use the schemas, and read `alembic_version`; it has no other
table privilege. pg_catalog is readable by every role, which is all the snapshot needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from pgdrift.identity import quote_ident, split_qualified

# The CONNECTION LIMIT of the role this creates; the deployment sizes the monitor's reserved
# concurrency to fit it (infra/config.py, monitor.connection_limit).
DEFAULT_CONNECTION_LIMIT = 3


def render_grant_sql(role: str, database: str, schemas: Sequence[str], alembic_table: str | None,
                     connection_limit: int = DEFAULT_CONNECTION_LIMIT, iam: bool = False) -> str:
    quoted_role = quote_ident(role)
    lines = [
        f"-- pgdrift monitoring role for database {database}: catalog reads only, no table data.",
        "-- Run as the database owner or rds_superuser. Set the password separately (psql: \\password "
        f"{role}) and store it in Secrets Manager; it is never printed here.",
        f"CREATE ROLE {quoted_role} LOGIN CONNECTION LIMIT {int(connection_limit)};",
        f"ALTER ROLE {quoted_role} SET default_transaction_read_only = on;",
        f"ALTER ROLE {quoted_role} SET statement_timeout = '60s';",
        f"GRANT CONNECT ON DATABASE {quote_ident(database)} TO {quoted_role};",
    ]
    table_schema = split_qualified(alembic_table)[0] if alembic_table and "." in alembic_table else None
    # The version table's schema too, when it is not one of those read (public, with --schema app).
    usage = [*schemas, *([table_schema] if table_schema and table_schema not in schemas else [])]
    lines += [f"GRANT USAGE ON SCHEMA {quote_ident(schema)} TO {quoted_role};" for schema in usage]
    if alembic_table:
        lines.append(f"GRANT SELECT ON TABLE {alembic_table} TO {quoted_role};")
    if iam:
        lines.append(f"GRANT rds_iam TO {quoted_role};")
    return "\n".join(lines) + "\n"
