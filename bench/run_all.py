"""Run every benchmark script in bench/ (`bench_*.py`), one after the other: `make bench`.

Each script is run as `python -m bench.<name>` in its own process, so one benchmark's memory and
imports do not colour the next. Extra arguments are passed to every script (e.g. `--repeat 3`).
Exits non-zero if any script fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def benchmark_modules() -> list[str]:
    here = Path(__file__).resolve().parent
    return [f"bench.{path.stem}" for path in sorted(here.glob("bench_*.py"))]


def main(argv: list[str] | None = None) -> int:
    extra = list(sys.argv[1:] if argv is None else argv)
    failed = []
    for module in benchmark_modules():
        print(f"\n######## {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *extra], check=False).returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
