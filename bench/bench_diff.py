"""Benchmark of the drift engine: `analyze` (rename detection included) and rendering every
format, on two large schemas that differ by about 5%, next to migra's diff of the same pair.

    python -m bench.bench_diff [--tables 5000] [--drift 0.05] [--repeat 5] [--version 16]

Both schemas come from `bench.common.generate_schema_sql` and are loaded into an embedded
server, so pgdrift and migra diff exactly the same pair of real databases. Timings are medians
of `--repeat` runs, wall clock, in one process. Targets (issue 3): analyze < 0.5 s, every
format rendered < 1 s. migra (`pip install -r bench/requirements.txt`) is optional: when it
cannot be imported or fails, the benchmark prints why and goes on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.common import format_table, generate_schema_sql, load_schema, machine_summary, median, time_repeatedly
from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import read_snapshot
from pgdrift.compare.analyze import analyze, make_report
from pgdrift.compare.diff import diff_snapshots
from pgdrift.migrations.embedded import EmbeddedServer, start_embedded
from pgdrift.render import FORMATS, render

ANALYZE_TARGET_S = 0.5
RENDER_TARGET_S = 1.0


def migra_timings(server: EmbeddedServer, expected_db: str, actual_db: str,
                  repeat: int) -> dict[str, float] | str:
    """migra's inspection of both databases and its diff alone, or why it could not run."""
    try:
        from migra import Migration
        from sqlbag import S
    except ImportError as error:
        return f"migra is not installed ({error}); pip install -r bench/requirements.txt"

    def url(database: str) -> str:
        return f"postgresql+psycopg2://postgres@/{database}?host={server.socket_dir}&port={server.port}"

    def build() -> Any:
        with S(url(actual_db)) as current, S(url(expected_db)) as target:
            migration = Migration(current, target)  # inspects both databases
            migration.set_safety(False)
            return migration

    try:
        migration = build()

        def diff_only() -> object:
            migration.clear()
            migration.set_safety(False)  # clear() resets it
            migration.add_all_changes()
            return migration.sql

        inspect_s = median(time_repeatedly(build, max(1, repeat // 2)))
        diff_s = median(time_repeatedly(diff_only, repeat))
    except Exception as error:  # migra's failures on newer servers are many; report, do not crash
        return f"migra failed: {type(error).__name__}: {str(error)[:200]}"
    return {"inspect_both_s": inspect_s, "diff_s": diff_s, "statements": float(len(migration.statements))}


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:.1f}x" if reference else "-"


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    with start_embedded(arguments.version) as server:
        print(f"loading two {arguments.tables}-table schemas ({arguments.drift:.0%} drift) "
              f"into PostgreSQL {arguments.version}...", file=sys.stderr)
        expected_dsn = load_schema(server, "bench_expected", generate_schema_sql(arguments.tables, arguments.seed))
        actual_dsn = load_schema(server, "bench_actual",
                                 generate_schema_sql(arguments.tables, arguments.seed, drift=arguments.drift))
        expected, actual = read_snapshot(parse_dsn(expected_dsn)), read_snapshot(parse_dsn(actual_dsn))
        changes = analyze(expected, actual)
        report = make_report(expected, actual, changes, expected_source="expected", actual_source="actual")
        timings: dict[str, float] = {
            "keyed diff only": median(time_repeatedly(lambda: diff_snapshots(expected, actual), arguments.repeat)),
            "analyze (renames, severity)": median(time_repeatedly(lambda: analyze(expected, actual),
                                                                  arguments.repeat)),
        }
        for fmt in FORMATS:
            timings[f"render {fmt}"] = median(time_repeatedly(_renderer(report, fmt), arguments.repeat))
        timings["render all formats"] = median(time_repeatedly(
            lambda: [render(report, fmt) for fmt in FORMATS], arguments.repeat))
        migra = migra_timings(server, "bench_expected", "bench_actual", arguments.repeat) \
            if not arguments.no_migra else "skipped (--no-migra)"
    return {"tables": arguments.tables, "drift": arguments.drift, "version": arguments.version,
            "objects": sum(expected.counts().values()), "findings": dict(Counter(c.change for c in changes)),
            "timings_s": timings, "migra": migra, "machine": machine_summary()}


def _renderer(report: Any, fmt: str) -> Callable[[], object]:
    return lambda: render(report, fmt)


def print_results(results: dict[str, Any]) -> bool:
    timings, migra = results["timings_s"], results["migra"]
    analyze_s, render_s = timings["analyze (renames, severity)"], timings["render all formats"]
    print(f"{results['machine']}")
    print(f"{results['tables']} tables, {results['objects']} objects per side, PostgreSQL {results['version']}; "
          f"findings: {results['findings']}")
    rows = [[name, f"{seconds * 1000:.1f} ms", ratio(seconds, analyze_s)] for name, seconds in timings.items()]
    if isinstance(migra, dict):
        rows.append(["migra diff only (add_all_changes)", f"{migra['diff_s'] * 1000:.1f} ms",
                     ratio(migra["diff_s"], analyze_s)])
        rows.append(["migra inspect both databases", f"{migra['inspect_both_s'] * 1000:.1f} ms",
                     ratio(migra["inspect_both_s"], analyze_s)])
    print(format_table(["step (median)", "time", "vs analyze"], rows))
    if not isinstance(migra, dict):
        print(f"migra: {migra}")
    checks = [(f"analyze < {ANALYZE_TARGET_S} s", analyze_s < ANALYZE_TARGET_S),
              (f"render every format < {RENDER_TARGET_S} s", render_s < RENDER_TARGET_S)]
    for name, passed in checks:
        print(f"target {name}: {'met' if passed else 'MISSED'}")
    return all(passed for _, passed in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=5000)
    parser.add_argument("--drift", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--version", type=int, default=16, choices=(16, 18))
    parser.add_argument("--no-migra", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    arguments = parser.parse_args(argv)
    results = run(arguments)
    met = print_results(results)
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as output:
            json.dump(results, output, indent=2)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
