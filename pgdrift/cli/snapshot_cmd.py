"""`pgdrift snapshot DSN [-o FILE]`: write the canonical JSON of a live schema."""

from __future__ import annotations

import argparse
import sys

from pgdrift.catalog.reader import read_snapshot
from pgdrift.cli.common import add_read_arguments, check_output, connect_options, read_options, write_output
from pgdrift.schema import snapshot_io


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser("snapshot", help="write the canonical JSON snapshot of a live schema",
                                   description="Read the schema of a live database from pg_catalog and write "
                                               "its canonical JSON (gzip if FILE ends in .gz).")
    parser.add_argument("dsn", metavar="DSN", help="postgresql://user:pass@host:5432/db?sslmode=require")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    add_read_arguments(parser)
    parser.set_defaults(func=run)


def run(arguments: argparse.Namespace) -> int:
    check_output(arguments.output)  # before the catalog is read, not after
    snapshot = read_snapshot(connect_options(arguments.dsn, arguments), read_options(arguments))
    if arguments.output in (None, "-"):
        sys.stdout.write(snapshot_io.dumps(snapshot))
    else:
        write_output(snapshot_io.file_bytes(snapshot, arguments.output), arguments.output)
        counts = ", ".join(f"{count} {kind}" for kind, count in snapshot.counts().items() if count)
        print(f"wrote {arguments.output}: {snapshot.fingerprint} ({counts})", file=sys.stderr)
    return 0
