"""`pgdrift grant-sql`: print the SQL that creates the least-privileged monitoring role."""

from __future__ import annotations

import argparse
import sys

from pgdrift.grants import render_grant_sql


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser("grant-sql", help="print SQL that creates the monitoring role")
    parser.add_argument("--role", default="pgdrift_monitor", help="role name (default pgdrift_monitor)")
    parser.add_argument("--database", required=True, help="database to monitor")
    parser.add_argument("--schema", action="append", default=[], metavar="NAME",
                        help="schema to grant USAGE on (repeatable; default public)")
    parser.add_argument("--alembic-table", default="public.alembic_version",
                        help="the Alembic version table (default public.alembic_version; '' for none)")
    parser.add_argument("--iam", action="store_true", help="also GRANT rds_iam for IAM authentication")
    parser.set_defaults(func=run)


def run(arguments: argparse.Namespace) -> int:
    sys.stdout.write(render_grant_sql(arguments.role, arguments.database, arguments.schema or ["public"],
                                      arguments.alembic_table or None, iam=arguments.iam))
    return 0
