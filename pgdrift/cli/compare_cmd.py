"""`pgdrift compare DSN_A DSN_B --expected FILE`: environment against environment, through the ledger."""

from __future__ import annotations

import argparse

from pgdrift.catalog.reader import read_snapshot
from pgdrift.cli.check_cmd import add_report_arguments, emit, load_config, read_location
from pgdrift.cli.common import add_read_arguments, check_output, connect_options, read_options
from pgdrift.errors import ConfigError
from pgdrift.migrations.check import compare
from pgdrift.migrations.ledger import Ledger, load_expected


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "compare",
        help="compare two environments (e.g. production against dev) through the ledger",
        description="Read both schemas, show both revisions and the lag between them, explain every "
        "difference by the migrations one side lacks, and flag the rest as out-of-band on the side that has "
        "it. Exit 1 when the report meets a --fail-on condition (by default out-of-band drift on either side "
        "or a hazard; `pending` adds being at different revisions), 0 otherwise, 2 on error.",
    )
    parser.add_argument("dsn_a", metavar="DSN_A", help="the environment under review (e.g. production)")
    parser.add_argument("dsn_b", metavar="DSN_B", help="the reference environment (e.g. dev)")
    parser.add_argument("--label-a", default="A", help="name of DSN_A in the report (e.g. production)")
    parser.add_argument("--label-b", default="B", help="name of DSN_B in the report (e.g. dev)")
    add_report_arguments(parser)
    add_read_arguments(parser)
    parser.set_defaults(func=run)


def run(arguments: argparse.Namespace) -> int:
    check_output(arguments.output)  # before the databases are read
    expected = load_expected(read_location(arguments.expected), arguments.expected)
    if not isinstance(expected, Ledger):
        raise ConfigError(
            f"comparing environments with {arguments.expected}: it is a snapshot, not a ledger",
            "Pass the ledger from `pgdrift expected build`",
        )
    a = read_snapshot(connect_options(arguments.dsn_a, arguments), read_options(arguments))
    b = read_snapshot(connect_options(arguments.dsn_b, arguments), read_options(arguments))
    report = compare(
        a, b, expected, load_config(arguments.config), labels=(arguments.label_a, arguments.label_b)
    )
    return emit(report, arguments)
