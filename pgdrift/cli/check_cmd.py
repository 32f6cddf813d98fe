"""`pgdrift check DSN --expected FILE|s3://...`: a live database against the ledger (or a snapshot).

Exit codes follow `--fail-on` (pgdrift.compare.gate): by default 1 on out-of-band drift or a hazard
of a pending migration, not on being behind; `--fail-on any` is 1 unless at head and clean. 0
otherwise, 2 on error (a revision the ledger does not know too).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pgdrift import render
from pgdrift.catalog.reader import read_snapshot
from pgdrift.cli import EXIT_DRIFT, EXIT_OK
from pgdrift.cli.common import add_read_arguments, check_output, connect_options, read_options, write_output
from pgdrift.compare.findings import Report
from pgdrift.compare.gate import FailOn, gate_failures, parse_fail_on
from pgdrift.errors import ArtifactError, ConfigError
from pgdrift.migrations.check import check
from pgdrift.migrations.ledger import Ledger, load_expected
from pgdrift.schema.model import Snapshot


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "check",
        help="check a live database against the migration ledger",
        description="Read the live schema, place it in the Alembic graph (alembic_version), and report pending "
        "migrations (with hazards), the lag, and out-of-band drift against the expected schema at its "
        "own revision. Exit 1 when the report meets a --fail-on condition (by default out-of-band "
        "drift or a hazard, not being behind), 0 otherwise, 2 on error.",
    )
    parser.add_argument("dsn", metavar="DSN", help="postgresql://user:pass@host:5432/db?sslmode=require")
    add_report_arguments(parser)
    parser.add_argument(
        "--remediation-sql", metavar="FILE",
        help="also write a SQL script, to review before running, that restores the expected schema for each "
        "out-of-band finding (destructive statements commented out), with the Alembic operations that would "
        "adopt the live state instead",
    )
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
    parser.add_argument(
        "--fail-on", action="append", default=[], metavar="WHAT", type=_fail_on_words,
        help=f"what makes the exit code 1: {', '.join(member.value for member in FailOn)} (repeatable or "
        "comma-separated; default out-of-band,hazard: a database behind head passes, as it is between a "
        "merge and a deploy; `any` fails unless at head and clean)",
    )


def _fail_on_words(text: str) -> str:
    try:
        parse_fail_on([text])
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


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
    fail_on = parse_fail_on(arguments.fail_on)
    write_output(render.render(report, arguments.format), arguments.output)
    failures = gate_failures(report, fail_on)
    if failures:
        conditions = ",".join(sorted(condition.value for condition in fail_on))
        print(f"pgdrift: failing (--fail-on {conditions}): {'; '.join(failures)}", file=sys.stderr)
        return EXIT_DRIFT
    return EXIT_OK


def run(arguments: argparse.Namespace) -> int:
    check_output(arguments.output)  # before the databases are read
    check_output(arguments.remediation_sql)
    expected: Ledger | Snapshot = load_expected(read_location(arguments.expected), arguments.expected)
    live = read_snapshot(connect_options(arguments.dsn, arguments), read_options(arguments))
    report = check(live, expected, load_config(arguments.config))
    if arguments.remediation_sql:
        from pgdrift.compare.remediation import render_sql

        write_output(render_sql(report), arguments.remediation_sql)
    return emit(report, arguments)
