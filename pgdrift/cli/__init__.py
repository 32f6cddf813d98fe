"""The `pgdrift` command line: a thin adapter that parses arguments and calls the core.

Exit codes: 0 no drift (or success), 1 drift found, 2 error (with a message naming what failed).
Each sub-command lives in its own module and registers itself through `COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from pgdrift.errors import PgDriftError

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_ERROR = 2

#: Command -> the module under pgdrift.cli that defines `register(subparsers)` for it; each sets
#: `func` on its parser. Only the module of the command being run is imported (the others pull in
#: Alembic, SQLAlchemy or boto3: a tenth of a second of start-up for `pgdrift snapshot`).
COMMAND_MODULES = {
    "snapshot": "snapshot_cmd",
    "grant-sql": "grant_cmd",
    "diff": "diff_cmd",
    "expected": "expected_cmd",
    "check": "check_cmd",
    "compare": "compare_cmd",
    "history": "history_cmd",
    "show": "history_cmd",
    "timeline": "history_cmd",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"pgdrift: error: {message}\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`'s command alone, or for every command (help, a typo, no command)."""
    parser = _Parser(prog="pgdrift", description="Schema-drift monitor for PostgreSQL and Alembic.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    command = argv[0] if argv else None
    if command in COMMAND_MODULES:
        modules = [COMMAND_MODULES[command]]
    else:
        modules = list(dict.fromkeys(COMMAND_MODULES.values()))
    for name in modules:
        importlib.import_module(f"pgdrift.cli.{name}").register(subparsers)
    return parser


def run() -> None:
    """The `pgdrift` executable: `main`, then a quick exit.

    A command is one short process: the cyclic garbage collector runs rarely (it scanned the
    tens of thousands of dicts a snapshot is made of over and over while they were built), and
    the process ends without tearing its heap down object by object once the output is flushed.
    Together about a tenth of `pgdrift snapshot`'s time at 1,000 tables (issue 2 benchmark).
    Everything a command writes is written and closed before `main` returns.
    """
    gc.set_threshold(100_000, 50, 100)
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    arguments = parser.parse_args(argv)
    try:
        return int(arguments.func(arguments))
    except PgDriftError as error:
        print(f"pgdrift: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("pgdrift: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
