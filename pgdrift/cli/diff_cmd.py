"""`pgdrift diff EXPECTED ACTUAL`: compare two schemas; exit 0 no drift, 1 drift, 2 error."""

from __future__ import annotations

import argparse
import os
import sys

from pgdrift.cli.common import add_read_arguments, check_output, connect_options, read_options, write_output
from pgdrift.cli.sources import describe, load_snapshot
from pgdrift.compare.analyze import analyze, make_report
from pgdrift.compare.config import DriftConfig, read_config
from pgdrift.render import FORMATS, render

EXIT_OK, EXIT_DRIFT = 0, 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "diff", help="compare two schemas (files, live DSNs or s3:// URIs)",
        description="Compare the EXPECTED schema with the ACTUAL one and report drift. Each side is a "
                    "snapshot file (gzip or plain), a postgresql:// DSN or an s3://bucket/key URI. "
                    "Exit codes: 0 no drift, 1 drift, 2 error.")
    parser.add_argument("expected", metavar="EXPECTED", help="what the schema should be")
    parser.add_argument("actual", metavar="ACTUAL", help="what it is")
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format (default text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report here instead of stdout")
    parser.add_argument("--config", metavar="FILE", help="TOML file with severity overrides and waivers")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text report (auto: only on a terminal, unless NO_COLOR is set)")
    parser.add_argument("--no-renames", action="store_true", help="do not look for rename candidates")
    add_read_arguments(parser)
    parser.set_defaults(func=run)


def _use_color(arguments: argparse.Namespace) -> bool:
    if arguments.format != "text" or arguments.color == "never":
        return False
    if arguments.color == "always":
        return True
    to_terminal = arguments.output in (None, "-") and sys.stdout.isatty()
    return to_terminal and not os.environ.get("NO_COLOR")


def run(arguments: argparse.Namespace) -> int:
    check_output(arguments.output)  # before the databases are read
    config = read_config(arguments.config) if arguments.config else DriftConfig()
    if arguments.no_renames:
        config = DriftConfig(config.severity, config.waivers, renames=False, today=config.today)
    read = read_options(arguments)
    connect = lambda dsn: connect_options(dsn, arguments)  # noqa: E731
    expected = load_snapshot(arguments.expected, read, connect=connect)
    actual = load_snapshot(arguments.actual, read, connect=connect)
    report = make_report(expected, actual, analyze(expected, actual, config),
                         expected_source=describe(arguments.expected), actual_source=describe(arguments.actual))
    write_output(render(report, arguments.format, color=_use_color(arguments)), arguments.output)
    return EXIT_DRIFT if report.status == "drift" else EXIT_OK
