"""Benchmark of `pgdrift snapshot` against pg_dump, SQLAlchemy bulk reflection and schemainspect.

For each size (100, 1,000 and 5,000 generated tables) it loads one database on an embedded
PostgreSQL and times, on that same database and interleaved in one run:

- pgdrift in process: `read_snapshot` + `snapshot_io.dumps` (the library call the Lambda makes);
- pgdrift CLI: `python -m pgdrift snapshot DSN -o FILE`, end to end, interpreter start included;
- `pg_dump --schema-only` (the physical baseline, a C program);
- SQLAlchemy 2.x bulk reflection (`Inspector.get_multi_*`, the path Alembic autogenerate takes),
  over pg8000 and, when installed, over psycopg2 (what Alembic projects usually run on);
- schemainspect (migra's inspector), when `bench/requirements.txt` is installed.

It prints the median of `--repeat` runs after one warm-up, the ratios to pg_dump and to pgdrift,
the catalog round trips of pgdrift (target: at most 25 at every size) and the peak resident
memory of the pgdrift CLI process (target: under 300 MB at 5,000 tables), and checks the targets
of issue 2: pgdrift at 1,000 and 5,000 tables no slower than pg_dump and at least 5x faster than
SQLAlchemy (over the faster of the two drivers).

    python -m bench.bench_snapshot [--sizes 100,1000,5000] [--repeat 5] [--pg 18] [--json FILE]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pgdrift
from bench.common import SIZES, format_table, generate_schema_sql, load_schema, machine_summary, median
from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import ReadOptions, SnapshotReader, read_snapshot
from pgdrift.migrations.embedded import EmbeddedServer, start_embedded
from pgdrift.schema import snapshot_io

MAX_ROUND_TRIPS = 25
MAX_PEAK_MB = 300
SPEEDUP_OVER_SQLALCHEMY = 5.0

PGDRIFT = "pgdrift (in process)"
PGDRIFT_CLI = "pgdrift CLI"
PG_DUMP = "pg_dump --schema-only"
SQLALCHEMY = "SQLAlchemy get_multi_*"
SQLALCHEMY_PSYCOPG2 = "SQLAlchemy, psycopg2"
SCHEMAINSPECT = "schemainspect"


@dataclass
class SizeResult:
    """Everything measured on one database."""

    tables: int
    samples: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # client + server CPU seconds per run
    server_cpu: dict[str, list[float]] = field(default_factory=dict)  # of which the server's
    round_trips: int = 0
    cli_peak_mb: float | None = None
    pg_dump_peak_mb: float | None = None
    fingerprint: str = ""
    snapshot_bytes: int = 0
    skipped: dict[str, str] = field(default_factory=dict)

    def median_of(self, method: str) -> float | None:
        samples = self.samples.get(method)
        return median(samples) if samples else None


# ---------------------------------------------------------------------------------------------
# The contenders. Each is a zero-argument callable that does one complete read.


def pgdrift_in_process(dsn: str) -> Callable[[], object]:
    options = parse_dsn(dsn)
    return lambda: snapshot_io.dumps_bytes(read_snapshot(options))


def run_command(command: list[str]) -> None:
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"running {Path(command[0]).name}: exit {result.returncode}: "
                           f"{result.stderr.decode(errors='replace').strip()[:500]}")


def peak_memory_mb(command: list[str], workdir: Path) -> float | None:
    """Peak resident memory of a command, through GNU time (None when it is not installed).

    Not wait4() from here: a child forked from this process starts with this process's pages,
    so its ru_maxrss would include the benchmark's own memory. GNU time is a small parent.
    """
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if gnu_time is None:
        return None
    report = workdir / "peak.txt"
    run_command([gnu_time, "-f", "%M", "-o", str(report), *command])
    return int(report.read_text(encoding="utf-8").split()[-1]) / 1024  # kilobytes


def pgdrift_cli_command(dsn: str, output: Path) -> list[str]:
    return [sys.executable, "-m", "pgdrift", "snapshot", dsn, "-o", str(output)]


def pg_dump_command(server: EmbeddedServer, database: str, output: Path) -> list[str]:
    return [server.bin("pg_dump"), "--schema-only", "--no-password", "-h", str(server.socket_dir),
            "-p", str(server.port), "-U", "postgres", "-d", database, "-f", str(output)]


def sqlalchemy_reflection(url: str) -> Callable[[], object]:
    """Bulk reflection of every user schema, as Alembic autogenerate does (tables only)."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool

    def reflect() -> object:
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                inspector = inspect(connection)
                reflected = {}
                for schema in user_schemas(inspector.get_schema_names()):
                    reflected[schema] = (
                        inspector.get_multi_columns(schema=schema),
                        inspector.get_multi_pk_constraint(schema=schema),
                        inspector.get_multi_foreign_keys(schema=schema),
                        inspector.get_multi_indexes(schema=schema),
                        inspector.get_multi_unique_constraints(schema=schema),
                        inspector.get_multi_check_constraints(schema=schema),
                        inspector.get_multi_table_comment(schema=schema),
                    )
                return reflected
        finally:
            engine.dispose()

    return reflect


def user_schemas(names: list[str]) -> list[str]:
    return [name for name in names if not name.startswith("pg_") and name != "information_schema"]


def schemainspect_inspection(server: EmbeddedServer, database: str) -> Callable[[], object] | str:
    """migra's inspector over psycopg2, or the reason it cannot run here."""
    try:
        import psycopg2  # noqa: F401
        from schemainspect import get_inspector
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool
    except ImportError as error:
        return f"not installed ({error.name}); pip install -r bench/requirements.txt"
    url = f"postgresql+psycopg2://postgres@/{database}?host={server.socket_dir}&port={server.port}"

    def inspect_all() -> object:
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return get_inspector(connection)
        finally:
            engine.dispose()

    try:
        inspect_all()
    except Exception as error:  # a third-party tool failing is a finding, not a crash
        return f"failed: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
    return inspect_all


# ---------------------------------------------------------------------------------------------


class CpuMeter:
    """CPU seconds spent by this process, its children (pg_dump, the CLI) and the server's backends.

    On a machine shared with other work, wall time says as much about the neighbours as about
    the method; CPU time does not. Backends are children of the postmaster, so their CPU shows
    in its cutime/cstime once they have exited and been reaped.
    """

    def __init__(self, server: EmbeddedServer) -> None:
        pid_file = server.datadir / "postmaster.pid"
        self.postmaster = int(pid_file.read_text(encoding="utf-8").split()[0])
        self.ticks = os.sysconf("SC_CLK_TCK")

    def server_seconds(self) -> float:
        with open(f"/proc/{self.postmaster}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / self.ticks  # cutime, cstime

    @staticmethod
    def client_seconds() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until no backend is left to reap (the server's CPU count stops moving), so that the
        warm-up's last backend is not counted in the first timed call."""
        deadline = time.monotonic() + timeout
        last = self.server_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = self.server_seconds()
            if now == last:
                return
            last = now

    def measure(self, function: Callable[[], object]) -> tuple[float, float, float]:
        """Wall seconds, client CPU seconds and server CPU seconds of one call."""
        server, client = self.server_seconds(), self.client_seconds()
        start = time.perf_counter()
        function()
        wall = time.perf_counter() - start
        time.sleep(0.1)  # let the postmaster reap the backend
        return wall, self.client_seconds() - client, self.server_seconds() - server


def count_round_trips(dsn: str) -> tuple[int, str, int]:
    """Round trips of one snapshot, its fingerprint and the size of its canonical JSON."""
    with SnapshotReader(parse_dsn(dsn), ReadOptions()) as reader:
        snapshot = reader.read()
        return reader.round_trips, snapshot.fingerprint, len(snapshot_io.dumps(snapshot).encode("utf-8"))


def measure_size(server: EmbeddedServer, tables: int, seed: int, repeat: int, workdir: Path) -> SizeResult:
    database = f"bench_{tables}"
    print(f"\n== {tables} tables: generating and loading database {database} ...", flush=True)
    dsn = load_schema(server, database, generate_schema_sql(tables, seed))
    result = SizeResult(tables=tables)
    result.round_trips, result.fingerprint, result.snapshot_bytes = count_round_trips(dsn)
    cli_command = pgdrift_cli_command(dsn, workdir / f"{database}.json")
    dump_command = pg_dump_command(server, database, workdir / f"{database}.sql")
    contenders: dict[str, Callable[[], object]] = {
        PGDRIFT: pgdrift_in_process(dsn),
        PGDRIFT_CLI: lambda: run_command(cli_command),
        PG_DUMP: lambda: run_command(dump_command),
        SQLALCHEMY: sqlalchemy_reflection(server.sqlalchemy_url(database)),
    }
    # Alembic projects usually run SQLAlchemy over psycopg2 (a C driver), not pg8000: time both,
    # and hold pgdrift to the faster.
    psycopg2_url = f"postgresql+psycopg2://postgres@/{database}?host={server.socket_dir}&port={server.port}"
    if importlib.util.find_spec("psycopg2") is not None:
        contenders[SQLALCHEMY_PSYCOPG2] = sqlalchemy_reflection(psycopg2_url)
    else:
        result.skipped[SQLALCHEMY_PSYCOPG2] = "psycopg2 not installed; pip install -r bench/requirements.txt"
    inspection = schemainspect_inspection(server, database)
    if isinstance(inspection, str):
        result.skipped[SCHEMAINSPECT] = inspection
    else:
        contenders[SCHEMAINSPECT] = inspection
    for function in contenders.values():  # warm-up: imports, page cache
        function()
    meter = CpuMeter(server)
    meter.settle()
    for method in contenders:
        result.samples[method], result.cpu[method], result.server_cpu[method] = [], [], []
    for _ in range(repeat):  # interleaved, so that drift in machine load hits everyone alike
        for method, function in contenders.items():
            wall, client_cpu, server_cpu = meter.measure(function)
            result.samples[method].append(wall)
            result.cpu[method].append(client_cpu + server_cpu)
            result.server_cpu[method].append(server_cpu)
    result.cli_peak_mb = peak_memory_mb(cli_command, workdir)
    result.pg_dump_peak_mb = peak_memory_mb(dump_command, workdir)
    return result


# ---------------------------------------------------------------------------------------------
# Reporting


def megabytes(value: float | None) -> str:
    return "n/a (no /usr/bin/time)" if value is None else f"{value:.0f} MB"


def ratio(value: float | None, reference: float | None) -> str:
    return f"{value / reference:.2f}x" if value and reference else "-"


def timing_table(result: SizeResult) -> str:
    reference, ours = result.median_of(PG_DUMP), result.median_of(PGDRIFT)
    rows = []
    cpu_reference, cpu_ours = median(result.cpu[PG_DUMP]), median(result.cpu[PGDRIFT])
    for method, samples in result.samples.items():
        value, cpu, server_cpu = median(samples), median(result.cpu[method]), median(result.server_cpu[method])
        rows.append([method, f"{value:.3f}", f"{min(samples):.3f}", ratio(value, reference), ratio(value, ours),
                     f"{cpu:.3f}", f"{server_cpu:.3f}", ratio(cpu, cpu_reference), ratio(cpu, cpu_ours)])
    rows += [[method, "skipped", "", "", reason, "", "", "", ""] for method, reason in result.skipped.items()]
    return format_table(["method", "median s", "min s", "/ pg_dump", "/ pgdrift", "CPU s", "of it server",
                         "CPU / pg_dump", "CPU / pgdrift"], rows)


def target_checks(result: SizeResult) -> list[tuple[str, bool]]:
    checks = [(f"round trips {result.round_trips} <= {MAX_ROUND_TRIPS}", result.round_trips <= MAX_ROUND_TRIPS)]
    if result.tables >= 1000:
        dump = result.median_of(PG_DUMP) or 0.0
        sqlalchemy = min(value for value in (result.median_of(SQLALCHEMY), result.median_of(SQLALCHEMY_PSYCOPG2),
                                             float("inf")) if value)
        for method in (PGDRIFT, PGDRIFT_CLI):
            ours = result.median_of(method) or float("inf")
            checks.append((f"{method} {ours:.3f}s <= pg_dump {dump:.3f}s", ours <= dump))
            checks.append((f"{method} >= {SPEEDUP_OVER_SQLALCHEMY:g}x faster than SQLAlchemy, faster driver "
                           f"({sqlalchemy / ours:.2f}x)", sqlalchemy / ours >= SPEEDUP_OVER_SQLALCHEMY))
    if result.tables >= 5000:
        peak = result.cli_peak_mb
        checks.append((f"peak memory of the CLI {megabytes(peak)} < {MAX_PEAK_MB} MB",
                       peak is not None and peak < MAX_PEAK_MB))
    return checks


def cpu_bound(result: SizeResult) -> str | None:
    """The least wall time pgdrift's measured CPU allows on this machine, next to the 5x target.

    Client and server share this machine's cores, so a read that spends C CPU-seconds in all
    cannot take less than C / cores of wall time, however its work is spread.
    """
    cores = os.cpu_count() or 1
    sqlalchemy = min((value for value in (result.median_of(SQLALCHEMY), result.median_of(SQLALCHEMY_PSYCOPG2))
                      if value), default=None)
    if sqlalchemy is None or not result.cpu.get(PGDRIFT):
        return None
    cpu, server = median(result.cpu[PGDRIFT]), median(result.server_cpu[PGDRIFT])
    target = sqlalchemy / SPEEDUP_OVER_SQLALCHEMY
    return (f"pgdrift in process spends {cpu:.3f} CPU s per read ({server:.3f} s of it the server's): on "
            f"{cores} cores no read of it can take less than {cpu / cores:.3f} s (the server's part alone "
            f"{server / cores:.3f} s); {SPEEDUP_OVER_SQLALCHEMY:g}x SQLAlchemy means {target:.3f} s")


def report(result: SizeResult) -> list[tuple[str, bool]]:
    print(f"\n{result.tables} tables: snapshot {result.snapshot_bytes / 1e6:.1f} MB of JSON, "
          f"{result.fingerprint[:23]}..., {result.round_trips} catalog round trips, peak RSS "
          f"pgdrift CLI {megabytes(result.cli_peak_mb)}, pg_dump {megabytes(result.pg_dump_peak_mb)}")
    print(timing_table(result))
    checks = target_checks(result)
    for text, passed in checks:
        print(f"  [{'ok' if passed else 'MISSED'}] {text}")
    bound = cpu_bound(result) if result.tables >= 1000 else None
    if bound:
        print(f"  [bound] {bound}")
    return checks


def as_json(results: list[SizeResult], version: str) -> dict[str, Any]:
    return {"machine": machine_summary(), "server_version": version,
            "sizes": [{"tables": r.tables, "medians_s": {m: median(s) for m, s in r.samples.items()},
                       "cpu_medians_s": {m: median(s) for m, s in r.cpu.items()},
                       "server_cpu_medians_s": {m: median(s) for m, s in r.server_cpu.items()},
                       "round_trips": r.round_trips, "cli_peak_mb": r.cli_peak_mb,
                       "pg_dump_peak_mb": r.pg_dump_peak_mb, "skipped": r.skipped,
                       "snapshot_bytes": r.snapshot_bytes} for r in results]}


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_snapshot", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES),
                        help="comma-separated table counts (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per method (default: %(default)s)")
    parser.add_argument("--pg", type=int, default=18, choices=(16, 18), help="server version (default: 18)")
    parser.add_argument("--seed", type=int, default=1, help="schema generator seed (default: %(default)s)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON here")
    arguments = parser.parse_args(argv)
    try:
        arguments.sizes = [int(size) for size in arguments.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes {arguments.sizes!r}: give comma-separated integers such as 100,1000")
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    print(f"machine: {machine_summary()}")
    # The CLI is timed as installed: pip writes the package's bytecode at install time, while the
    # editable development install compiles on first import, and not at all under
    # PYTHONDONTWRITEBYTECODE (set on some CI machines), which would add ~0.1 s to every run.
    compileall.compile_dir(str(Path(pgdrift.__file__).parent), quiet=1)
    results, missed = [], 0
    with tempfile.TemporaryDirectory(prefix="pgdrift-bench-") as workdir, start_embedded(arguments.pg) as server:
        version = ""
        for tables in arguments.sizes:
            result = measure_size(server, tables, arguments.seed, arguments.repeat, Path(workdir))
            results.append(result)
            missed += sum(not passed for _, passed in report(result))
        version = read_snapshot(parse_dsn(server.dsn(f"bench_{arguments.sizes[0]}"))).meta.server_version
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(as_json(results, version), indent=2) + "\n", encoding="utf-8")
    print(f"\nPostgreSQL {version}; {'all targets met' if not missed else f'{missed} target(s) missed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
