"""The `pgdrift` command line: a thin adapter that parses arguments and calls the core.

Exit codes: 0 no drift (or success), 1 drift found, 2 error (with a message naming what failed).
Each sub-command lives in its own module and registers itself through `COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pgdrift.errors import PgDriftError

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_ERROR = 2

#: Modules under pgdrift.cli that define `register(subparsers)`; each sets `func` on its parser.
COMMAND_MODULES = (
    "snapshot_cmd",
    "grant_cmd",
    "diff_cmd",
    "expected_cmd",
    "check_cmd",
    "compare_cmd",
    "history_cmd",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"pgdrift: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pgdrift", description="Schema-drift monitor for PostgreSQL and Alembic.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"pgdrift.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
