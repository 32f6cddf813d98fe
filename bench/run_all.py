"""Run every benchmark script in bench/ (`bench_*.py`), one after the other: `make bench`.

Each script is run as `python -m bench.<name>` in its own process, so one benchmark's memory and
imports do not colour the next. `--repeat N` is passed to every script (they all take it);
`--only NAME` runs the scripts whose name contains NAME. For a script's own options, run it
directly (`python -m bench.bench_snapshot --help`). Exits non-zero if any script fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path


def benchmark_modules() -> list[str]:
    here = Path(__file__).resolve().parent
    return [f"bench.{path.stem}" for path in sorted(here.glob("bench_*.py"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, help="timed runs per method, passed to every script")
    parser.add_argument("--only", metavar="NAME", help="run only the scripts whose name contains NAME")
    arguments = parser.parse_args(argv)
    extra = ["--repeat", str(arguments.repeat)] if arguments.repeat else []
    modules = [module for module in benchmark_modules() if not arguments.only or arguments.only in module]
    if not modules:
        parser.error(f"no benchmark matches --only {arguments.only!r}; have: {', '.join(benchmark_modules())}")
    failed = []
    for module in modules:
        print(f"\n######## {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *extra], check=False).returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
