"""`pgdrift grant-sql`: print the SQL that creates the least-privileged monitoring role.

An administrator runs the output, so every name is checked here, where a bad one can be named
by its flag (exit 2), and quoted by `pgdrift.catalog.grants`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from pgdrift.catalog.grants import CONNECTIONS_PER_RUN, DEFAULT_CONNECTION_LIMIT, render_grant_sql, role_problem
from pgdrift.cli.common import connection_count
from pgdrift.schema.identity import identifier_problem, parse_qualified_name


def _name(problem_of: Callable[[str], str | None]) -> Callable[[str], str]:
    def check(text: str) -> str:
        problem = problem_of(text)
        if problem:
            raise argparse.ArgumentTypeError(f"{text!r} {problem}")
        return text

    return check


def _table(text: str) -> str:
    if text:  # '' means no version table
        try:
            parse_qualified_name(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{text!r} {error}") from None
    return text


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser("grant-sql", help="print SQL that creates the monitoring role")
    parser.add_argument("--role", default="pgdrift_monitor", type=_name(role_problem),
                        help="role name, as it is (default pgdrift_monitor)")
    parser.add_argument("--database", required=True, type=_name(identifier_problem),
                        help="database to monitor, as it is named")
    parser.add_argument("--schema", action="append", default=[], metavar="NAME", type=_name(identifier_problem),
                        help="schema to grant USAGE on, as it is named (repeatable; default public)")
    parser.add_argument("--alembic-table", default="public.alembic_version", type=_table,
                        help='the Alembic version table, NAME or SCHEMA.NAME as SQL spells it ("Quoted" names '
                             "keep their case; default public.alembic_version; '' for none)")
    parser.add_argument("--connection-limit", type=connection_count, default=DEFAULT_CONNECTION_LIMIT, metavar="N",
                        help=f"the role's CONNECTION LIMIT (default {DEFAULT_CONNECTION_LIMIT}); at least the "
                             f"monitor function's reserved concurrency x {CONNECTIONS_PER_RUN}")
    parser.add_argument("--iam", action="store_true",
                        help="the role signs in with IAM authentication: GRANT rds_iam, no password")
    parser.set_defaults(func=run)


def run(arguments: argparse.Namespace) -> int:
    sys.stdout.write(render_grant_sql(arguments.role, arguments.database, arguments.schema or ["public"],
                                      arguments.alembic_table or None, arguments.connection_limit,
                                      iam=arguments.iam))
    return 0
