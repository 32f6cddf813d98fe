"""`pgdrift check DSN --expected FILE|s3://...`: a live database against the ledger (or a snapshot).

Exit codes: 0 at head with no drift, 1 behind or drifted, 2 error (a revision the ledger does not know too).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pgdrift import render
from pgdrift.catalog.reader import read_snapshot
from pgdrift.cli import EXIT_DRIFT, EXIT_OK
from pgdrift.cli.common import add_read_arguments, check_output, connect_options, read_options, write_output
from pgdrift.compare.findings import Report
from pgdrift.errors import ArtifactError
from pgdrift.migrations.check import check
from pgdrift.migrations.ledger import Ledger, load_expected
from pgdrift.schema.model import Snapshot


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "check",
        help="check a live database against the migration ledger",
        description="Read the live schema, place it in the Alembic graph (alembic_version), and report pending "
        "migrations (with hazards), the lag, and out-of-band drift against the expected schema at its "
        "own revision. Exit 0 at head with no drift, 1 otherwise, 2 on error.",
    )
    parser.add_argument("dsn", metavar="DSN", help="postgresql://user:pass@host:5432/db?sslmode=require")
    add_report_arguments(parser)
    add_read_arguments(parser)
    parser.set_defaults(func=run)


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--expected",
        required=True,
        metavar="FILE|s3://BUCKET/KEY",
        help="the ledger from `pgdrift expected build` (or a plain snapshot)",
    )
    parser.add_argument(
        "--format", choices=render.FORMATS, default="text", help="report format (default text)"
    )
    parser.add_argument("--config", metavar="FILE", help="TOML config: severities, waivers, renames")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report here instead of stdout")


def read_location(location: str) -> bytes:
    """The bytes of a local file or an s3:// object."""
    if location.startswith("s3://"):
        from pgdrift.cli.sources import read_s3

        return read_s3(location)
    try:
        return Path(location).read_bytes()
    except OSError as error:
        raise ArtifactError(
            f"reading the expected artifact {location}: {error.strerror}",
            "Build it with `pgdrift expected build ALEMBIC_INI -o FILE`",
        ) from None


def load_config(path: str | None) -> object | None:
    if not path:
        return None
    from pgdrift.compare.config import read_config

    return read_config(path)


def emit(report: Report, arguments: argparse.Namespace) -> int:
    write_output(render.render(report, arguments.format), arguments.output)
    return EXIT_DRIFT if report.status != "clean" else EXIT_OK


def run(arguments: argparse.Namespace) -> int:
    check_output(arguments.output)  # before the databases are read
    expected: Ledger | Snapshot = load_expected(read_location(arguments.expected), arguments.expected)
    live = read_snapshot(connect_options(arguments.dsn, arguments), read_options(arguments))
    return emit(check(live, expected, load_config(arguments.config)), arguments)
