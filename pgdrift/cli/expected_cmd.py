"""`pgdrift expected build ALEMBIC_INI`: replay the migrations and write the ledger artifact."""

from __future__ import annotations

import argparse
import sys

from pgdrift import ledger
from pgdrift.alembic_replay import SCRATCH_URL_ENV, build_expected
from pgdrift.cli.common import write_output
from pgdrift.embedded import SUPPORTED_VERSIONS


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "expected", help="build the expected-schema ledger from Alembic migrations"
    )
    actions = parser.add_subparsers(dest="expected_command", required=True)
    build = actions.add_parser(
        "build",
        help="replay the migrations on a scratch database and write the ledger",
        description="Replay every Alembic revision, one at a time in graph order, on a scratch database "
        "(an embedded PostgreSQL unless --scratch-dsn is given), snapshot the schema after each, and "
        "write the ledger: the graph, per-revision changes and the head snapshot (gzip JSON). env.py "
        f"receives the scratch URL as sqlalchemy.url and as ${SCRATCH_URL_ENV}.",
    )
    build.add_argument("alembic_ini", metavar="ALEMBIC_INI", help="the project's alembic.ini")
    build.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default="ledger.json.gz",
        help="where to write the ledger (default ledger.json.gz; '-' for stdout)",
    )
    build.add_argument(
        "--scratch-dsn",
        metavar="DSN",
        help="an EMPTY database to replay on, instead of an embedded server (it is written to)",
    )
    build.add_argument(
        "--pg-version",
        type=int,
        choices=SUPPORTED_VERSIONS,
        default=18,
        help="PostgreSQL major version of the embedded server (default 18)",
    )
    build.add_argument(
        "--url-env",
        action="append",
        default=[],
        metavar="NAME",
        help=f"also expose the scratch URL as this environment variable (repeatable; "
        f"${SCRATCH_URL_ENV} is always set), for env.py files that read one",
    )
    build.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="NAME",
        help="create this role (NOLOGIN) on the scratch server before the replay, for migrations that "
        "grant to roles production has (repeatable)",
    )
    build.add_argument("--quiet", action="store_true", help="no progress on stderr")
    build.set_defaults(func=run)


def run(arguments: argparse.Namespace) -> int:
    def progress(revision: str) -> None:
        if not arguments.quiet:
            print(f"  applied {revision}", file=sys.stderr)

    built, stats = build_expected(
        arguments.alembic_ini,
        scratch_dsn=arguments.scratch_dsn,
        pg_version=arguments.pg_version,
        url_env=arguments.url_env,
        progress=progress,
        roles=arguments.role,
    )
    for warning in stats.warnings:
        print(f"pgdrift: warning: {warning}", file=sys.stderr)
    data = ledger.dumps(built, compress=not (arguments.output or "").endswith(".json"))
    write_output(data, arguments.output)
    print(
        f"wrote {arguments.output}: {stats.revisions} revisions, head {', '.join(stats.heads)}, "
        f"{len(data):,} bytes (Alembic {stats.alembic_seconds:.1f} s, snapshots {stats.snapshot_seconds:.1f} s)",
        file=sys.stderr,
    )
    return 0
