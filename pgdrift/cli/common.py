"""Argument helpers shared by the sub-commands: connection options and output files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pgdrift.catalog.connect import ConnectOptions, parse_dsn
from pgdrift.catalog.reader import DEFAULT_EXCLUDE_OBJECTS, DEFAULT_EXCLUDE_SCHEMAS, ReadOptions
from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.schema.model import DEFAULT_VERSION_TABLE, VERSION_TABLE_NAME


def connection_count(text: str) -> int:
    """An argparse type: a number of connections, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of connections (1 or more)")
    return value


def _version_table(text: str) -> str:
    if not VERSION_TABLE_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a table name or schema.name (unquoted)")
    return text


def add_read_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--schema", action="append", default=[], metavar="NAME",
                        help="read only this schema (repeatable); default: every non-system schema")
    parser.add_argument("--exclude-schema", action="append", default=[], metavar="PATTERN",
                        help=f"skip schemas matching this glob (repeatable); always skipped: "
                             f"{', '.join(DEFAULT_EXCLUDE_SCHEMAS)}")
    parser.add_argument("--jobs", "-j", type=connection_count, default=ReadOptions.jobs, metavar="N",
                        help=f"connections per snapshot, reading the same MVCC snapshot (default {ReadOptions.jobs}; "
                             "1 for a single connection)")
    parser.add_argument("--statement-timeout", type=int, default=None, metavar="MS",
                        help="server-side limit per catalog query (default 30000)")
    parser.add_argument("--lock-timeout", type=int, default=None, metavar="MS",
                        help="give up rather than wait for a catalog lock (default 1000)")
    parser.add_argument("--connect-timeout", type=float, default=None, metavar="S",
                        help="limit for connecting (default 10)")
    parser.add_argument("--version-table", type=_version_table, default=DEFAULT_VERSION_TABLE, metavar="NAME",
                        help="Alembic's version table, NAME or SCHEMA.NAME (default alembic_version, "
                             "looked for in every schema)")


def read_options(arguments: argparse.Namespace) -> ReadOptions:
    return ReadOptions(
        include_schemas=tuple(arguments.schema),
        exclude_schemas=DEFAULT_EXCLUDE_SCHEMAS + tuple(arguments.exclude_schema),
        exclude_objects=DEFAULT_EXCLUDE_OBJECTS,
        jobs=getattr(arguments, "jobs", ReadOptions.jobs),
        version_table=getattr(arguments, "version_table", DEFAULT_VERSION_TABLE),
    )


def connect_options(dsn: str, arguments: argparse.Namespace) -> ConnectOptions:
    return parse_dsn(dsn).with_timeouts(
        connect=getattr(arguments, "connect_timeout", None),
        statement_ms=getattr(arguments, "statement_timeout", None),
        lock_ms=getattr(arguments, "lock_timeout", None),
    )


def check_output(output: str | None) -> None:
    """Refuse an -o that cannot be written (a folder, a missing folder) before the work is done."""
    if output not in (None, "-"):
        assert output is not None
        problem = _output_problem(output)
        if problem:
            raise problem


def _output_problem(output: str) -> PgDriftError | None:
    path = Path(output)
    if path.is_dir():
        return ConfigError(f"writing {output}: it is a folder, not a file",
                           f"Give -o the name of a file, e.g. {path / 'out.json'}")
    if path.parent.exists() and not path.parent.is_dir():
        return ConfigError(f"writing {output}: {path.parent} is a file, not a folder",
                           "Give -o a file in an existing folder")
    if not path.parent.is_dir():
        return ConfigError(f"writing {output}: the folder {path.parent} does not exist",
                           "Create it first, or give -o a file in an existing folder")
    return None


def write_output(text: str | bytes, output: str | None) -> None:
    """Write to a file (gzip when it ends in .gz is the caller's business) or to stdout."""
    if output in (None, "-"):
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        return
    assert output is not None
    try:
        path = Path(output)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise _output_problem(output) or PgDriftError(
            f"writing {output}: {error.strerror}", "Check that its folder is writable and has space") from None
