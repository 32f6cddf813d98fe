"""Benchmark of the monitor Lambda: asset size, cold import, warm scheduled run, peak memory.

Targets (issue 5): asset < 15 MB unzipped (Powertools excluded when it comes from the public
layer), handler cold import < 600 ms, warm scheduled run against a 65-table database < 1.5 s
excluding AWS latency, peak memory < 200 MB.

- Asset: `pip install --target` for manylinux2014_aarch64 / CPython 3.12 from
  `lambdas/monitor/requirements.txt`, plus `pgdrift/` and `lambdas/`. Compared with the
  alternative of bundling Powertools (+ pydantic, the X-Ray SDK) instead of using the layer.
- Cold import: `import lambdas.monitor.handler` in a fresh interpreter (median of --repeat),
  with X-Ray tracing off and on (the Tracer loads the X-Ray SDK and botocore), compared with
  importing everything a run touches up front (boto3, the adapters, the checker).
- Warm run and memory: a child process (so moto's own memory is not counted) invokes the handler
  with a scheduled event against moto in server mode on 127.0.0.1 and an embedded PostgreSQL 18
  holding the generated 65-table schema; the expected artifact is the snapshot of the same
  schema with 5% drift. Compared with the bare `read_snapshot` of the same database.

    python -m bench.bench_lambda [--repeat 5] [--tables 65] [--no-asset]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import format_table, generate_schema_sql, load_schema, machine_summary, median

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "bench-history"
PIP_PLATFORM = ["--platform", "manylinux2014_aarch64", "--only-binary=:all:", "--python-version", "3.12",
                "--implementation", "cp", "--no-compile"]


def directory_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def build_asset(target: Path, requirements: list[str]) -> int:
    """Install the requirements for Lambda's platform beside pgdrift/ and lambdas/; bytes on disk."""
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target), *PIP_PLATFORM,
                    *requirements], check=True, capture_output=True)
    shutil.copytree(ROOT / "pgdrift", target / "pgdrift", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "lambdas", target / "lambdas", ignore=shutil.ignore_patterns("__pycache__"))
    return directory_size(target)


def asset_sizes() -> list[tuple[str, str, str]]:
    requirements_file = ROOT / "lambdas" / "monitor" / "requirements.txt"
    requirements = [line.strip() for line in requirements_file.read_text().splitlines()
                    if line.strip() and not line.startswith("#")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="pgdrift-asset-") as workdir:
        lean = build_asset(Path(workdir) / "layer", requirements)
        bundled = build_asset(Path(workdir) / "bundled",
                              [*requirements, "aws-lambda-powertools[tracer,parser]>=3,<4"])
    rows.append(("asset, Powertools from the public layer (chosen)", f"{lean / 1e6:.2f} MB", "1.00x"))
    rows.append(("asset, Powertools + pydantic + X-Ray SDK bundled", f"{bundled / 1e6:.2f} MB",
                 f"{bundled / lean:.2f}x"))
    return rows


# ---------------------------------------------------------------------------------------------
# Cold import

IMPORT_HANDLER = "import lambdas.monitor.handler"
IMPORT_EAGER = ("import lambdas.monitor.handler, boto3, pgdrift.aws.s3, pgdrift.aws.sns, pgdrift.aws.secrets, "
                "pgdrift.migrations.check, pgdrift.render, pgdrift.catalog.reader, pg8000.native")


def time_import(statement: str, tracing: bool) -> float:
    code = f"import time; start = time.perf_counter(); {statement}; print(time.perf_counter() - start)"
    env = dict(os.environ)
    env.pop("POWERTOOLS_TRACE_DISABLED", None)
    if not tracing:
        env["POWERTOOLS_TRACE_DISABLED"] = "1"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    return float(result.stdout.strip().splitlines()[-1])


def cold_imports(repeat: int) -> list[tuple[str, str, str]]:
    """Interleaved, after one discarded warm-up of each (so .pyc files exist, as in the asset)."""
    variants = [("import the handler, tracing off", IMPORT_HANDLER, False),
                ("import the handler, X-Ray tracing on (deployed)", IMPORT_HANDLER, True),
                ("everything a run uses up front, tracing on", IMPORT_EAGER, True)]
    samples: list[list[float]] = [[] for _ in variants]
    for round_number in range(repeat + 1):
        for index, (_, statement, tracing) in enumerate(variants):
            elapsed = time_import(statement, tracing)
            if round_number:
                samples[index].append(elapsed)
    base = median(samples[0])
    return [(name, f"{median(times) * 1000:.0f} ms", f"{median(times) / base:.2f}x")
            for (name, _, _), times in zip(variants, samples, strict=True)]


# ---------------------------------------------------------------------------------------------
# Warm run (child process)


def child_run(repeat: int) -> None:
    """Runs in the child: import, one cold invoke, `repeat` warm invokes; prints JSON."""
    import resource
    import uuid

    start = time.perf_counter()
    from lambdas.monitor import handler

    imported = time.perf_counter() - start

    class Context:
        function_name, memory_limit_in_mb = "pgdrift-monitor", 256
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:pgdrift-monitor"

        def __init__(self) -> None:
            self.aws_request_id = str(uuid.uuid4())

        def get_remaining_time_in_millis(self) -> int:
            return 60_000

    def invoke() -> dict[str, Any]:
        return handler.handler({"target": "bench"}, Context())

    start = time.perf_counter()
    first = invoke()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = invoke()
        warm.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"import": imported, "cold": cold, "warm": warm, "peak_mb": peak_mb,
                      "status": first.get("status"), "findings": first.get("summary", {}).get("active"),
                      "last_status": result.get("status"), "error": first.get("error")}))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def provision(endpoint: str, dsn: str, expected: bytes) -> dict[str, str]:
    import boto3

    from pgdrift.catalog.connect import parse_dsn

    clients: dict[str, Any] = {name: boto3.client(name, endpoint_url=endpoint)
                               for name in ("s3", "sns", "secretsmanager")}
    clients["s3"].create_bucket(Bucket=BUCKET)
    clients["s3"].put_object(Bucket=BUCKET, Key="expected/bench.json.gz", Body=expected)
    topic = clients["sns"].create_topic(Name="bench")["TopicArn"]
    options = parse_dsn(dsn)
    secret = {"host": options.unix_socket_dir, "port": options.port, "username": options.user,
              "password": "unused-trust-auth", "dbname": options.database}
    arn = clients["secretsmanager"].create_secret(Name="bench", SecretString=json.dumps(secret))["ARN"]
    targets = [{"name": "bench", "secret_arn": arn, "expected_key": "expected/bench.json.gz",
                "allow_plaintext": True}]
    return {"PGDRIFT_TARGETS": json.dumps(targets), "PGDRIFT_BUCKET": BUCKET, "PGDRIFT_TOPIC_ARN": topic}


def warm_run(tables: int, repeat: int) -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
    from moto.server import ThreadedMotoServer

    from pgdrift.catalog.connect import parse_dsn
    from pgdrift.catalog.reader import read_snapshot
    from pgdrift.migrations.embedded import start_embedded
    from pgdrift.schema import snapshot_io

    aws_env = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_REGION": "us-east-1"}
    os.environ.update(aws_env)
    with start_embedded(18) as server:
        dsn = load_schema(server, "live", generate_schema_sql(tables, seed=3))
        drifted = load_schema(server, "expected", generate_schema_sql(tables, seed=3, drift=0.05))
        expected = gzip.compress(snapshot_io.dumps(read_snapshot(parse_dsn(drifted))).encode(), mtime=0)
        snapshot_times = [0.0] * repeat
        for number in range(repeat):
            start = time.perf_counter()
            read_snapshot(parse_dsn(dsn))
            snapshot_times[number] = time.perf_counter() - start
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's request log
        port = _free_port()
        moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        moto_server.start()
        try:
            endpoint = f"http://127.0.0.1:{port}"
            env = os.environ | aws_env | provision(endpoint, dsn, expected) | {
                "AWS_ENDPOINT_URL": endpoint, "POWERTOOLS_TRACE_DISABLED": "1",
                "POWERTOOLS_METRICS_NAMESPACE": "pgdrift", "POWERTOOLS_LOG_LEVEL": "WARNING"}
            result = subprocess.run([sys.executable, "-m", "bench.bench_lambda", "--child", str(repeat)], cwd=ROOT,
                                    env=env, capture_output=True, text=True, check=True)
        finally:
            moto_server.stop()
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    warm, snapshot = median(figures["warm"]), median(snapshot_times)
    rows = [
        (f"read_snapshot alone ({tables} tables)", f"{snapshot * 1000:.0f} ms", "1.00x"),
        ("scheduled run, warm (snapshot+check+S3+state)", f"{warm * 1000:.0f} ms", f"{warm / snapshot:.2f}x"),
        ("scheduled run, first in the process", f"{figures['cold'] * 1000:.0f} ms",
         f"{figures['cold'] / snapshot:.2f}x"),
    ]
    return rows, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tables", type=int, default=65)
    parser.add_argument("--no-asset", action="store_true", help="skip building the asset (needs PyPI)")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        child_run(arguments.child)
        return 0
    print(machine_summary())
    print("(measured on this machine's CPython; Lambda runs CPython 3.12 on arm64)\n")
    if not arguments.no_asset:
        print(format_table(("asset (unzipped)", "size", "ratio"), asset_sizes()) + "\n")
    print(format_table(("cold import (fresh interpreter)", "median", "ratio"),
                       cold_imports(arguments.repeat)) + "\n")
    rows, figures = warm_run(arguments.tables, arguments.repeat)
    print(format_table(("run", "median", "vs snapshot"), rows))
    print(f"\nrun status {figures['status']} ({figures['findings']} findings), then {figures['last_status']}; "
          f"error: {figures['error']}")
    print(f"peak memory of the handler process (ru_maxrss): {figures['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
