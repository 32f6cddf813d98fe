"""`pgdrift expected build ALEMBIC_INI`: replay the migrations and write the ledger artifact."""

from __future__ import annotations

import argparse
import sys

from pgdrift.cli.common import write_output
from pgdrift.migrations import ledger
from pgdrift.migrations.embedded import SUPPORTED_VERSIONS
from pgdrift.migrations.replay import KNOWN_DRIVERS, SCRATCH_URL_ENV, ReplaySettings, Step, build_expected


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
    build.add_argument("alembic_ini", metavar="ALEMBIC_INI",
                       help="the project's alembic.ini, or its pyproject.toml with [tool.alembic]")
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
    build.add_argument(
        "--driver",
        choices=KNOWN_DRIVERS,
        help="the driver env.py gets (default: the one --scratch-dsn or the project's sqlalchemy.url names, "
        "else pg8000); pgdrift's own reads always use pg8000",
    )
    build.add_argument(
        "--script-location",
        metavar="PATH",
        help="where Alembic finds env.py and the scripts, when the application sets it at run time "
        "(a folder or package:folder; overrides script_location)",
    )
    build.add_argument(
        "--version-location",
        action="append",
        default=[],
        metavar="PATH",
        help="a folder of revisions (repeatable; overrides version_locations)",
    )
    build.add_argument(
        "--bootstrap-sql",
        metavar="FILE",
        help="run this SQL file on the scratch database before the first revision (a base schema the "
        "application creates outside Alembic)",
    )
    build.add_argument(
        "--bootstrap-metadata",
        metavar="MODULE:ATTR",
        help="run ATTR.create_all() (a MetaData or declarative Base) before the first revision, as an "
        "application that creates its base tables and then migrates",
    )
    build.add_argument(
        "--run-env",
        choices=("direct", "thread", "connection", "loop"),
        default="direct",
        help="how env.py runs: direct (as `alembic upgrade`), thread (in a worker thread), connection (with "
        "config.attributes['connection']), loop (inside an event loop, through an async connection's run_sync)",
    )
    progress = build.add_mutually_exclusive_group()
    progress.add_argument("--quiet", action="store_true", help="no progress on stderr")
    progress.add_argument("--progress", action="store_true",
                          help="a progress line per revision even when stderr is not a terminal (CI)")
    build.set_defaults(func=run)


def run(arguments: argparse.Namespace) -> int:
    show = arguments.progress or (not arguments.quiet and sys.stderr.isatty())

    def progress(step: Step) -> None:
        if show:
            message = step.revision.message.splitlines()[0] if step.revision.message else ""
            print(f"[{step.index}/{step.total}] {step.revision.id} {message} ({step.seconds:.2f} s)",
                  file=sys.stderr, flush=True)

    settings = ReplaySettings(
        url_env=tuple(arguments.url_env),
        roles=tuple(arguments.role),
        script_location=arguments.script_location,
        version_locations=tuple(arguments.version_location),
        bootstrap_sql=arguments.bootstrap_sql,
        bootstrap_metadata=arguments.bootstrap_metadata,
        run_env=arguments.run_env,
    )
    built, stats = build_expected(
        arguments.alembic_ini,
        scratch_dsn=arguments.scratch_dsn,
        pg_version=arguments.pg_version,
        settings=settings,
        progress=progress,
        driver=arguments.driver,
    )
    for warning in stats.warnings:
        print(f"pgdrift: warning: {warning}", file=sys.stderr)
    data = ledger.dumps(built, compress=not (arguments.output or "").endswith(".json"))
    write_output(data, arguments.output)
    print(
        f"wrote {arguments.output}: {stats.revisions} revisions, head {', '.join(stats.heads)}, "
        f"{len(data):,} bytes (loading the project {stats.load_seconds:.1f} s, "
        f"Alembic {stats.alembic_seconds:.1f} s, snapshots {stats.snapshot_seconds:.1f} s)",
        file=sys.stderr,
    )
    return 0
