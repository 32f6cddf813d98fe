"""End to end on real projects from PyPI: ledgers from their stock configuration, then five hand changes.

`make e2e` installs the projects (bench/e2e-requirements.txt) in .venv-e2e and runs this. For each
project, on one embedded PostgreSQL 18 (with contrib):

1. `pgdrift expected build` through the CLI, with documented flags only, from the Alembic
   configuration the package ships; its own figures (Alembic's part, snapshots) and wall time;
2. the project's own upgrade of a fresh database to head on the same server, timed: Alembic's own
   time for the same revisions (the benchmark's denominator);
3. a "live" database upgraded with the project's own tooling to a revision a few before head,
   then five hand changes (a table, a column and an index added, a foreign key dropped, a column
   made NOT NULL);
4. `pgdrift check --format json` of it: recall of the five changes, false positives (findings
   that are none of them), and whether the pending list equals Alembic's own
   (`ScriptDirectory.iterate_revisions(heads, live)`).

    python -m bench.e2e_real_projects [--keep-going]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import format_table, machine_summary
from pgdrift.migrations.embedded import EmbeddedServer, start_embedded
from pgdrift.migrations.replay import create_database
from tests.support import connect


@dataclass(frozen=True)
class RealProject:
    """A PyPI project that ships Alembic migrations for PostgreSQL, and how it migrates itself."""

    name: str
    version: str
    ini: str  # the alembic.ini inside the installed package
    flags: tuple[str, ...]  # documented `pgdrift expected build` flags ({package} = the package folder)
    cwd: str  # where the build runs ({package}), as a user would run alembic
    upgrade: str  # the project's own way to upgrade: python code run with (url, revision)
    behind: int = 3  # how many revisions before head the live database stays


OPTUNA_UPGRADE = """
import json, sys, time
from alembic import command
from alembic.script import ScriptDirectory
from optuna.storages._rdb.storage import _VersionManager
from sqlalchemy import create_engine
url, revision = sys.argv[1], sys.argv[2]
manager = _VersionManager.__new__(_VersionManager)
manager.url = url
config = manager._create_alembic_config()
script = ScriptDirectory.from_config(config)
if revision.startswith("-"):  # N revisions before head
    revision = [s.revision for s in script.walk_revisions()][int(revision[1:])]
started = time.perf_counter()
command.upgrade(config, revision)
seconds = time.perf_counter() - started
pending = [s.revision for s in script.iterate_revisions("heads", revision)]
print(json.dumps({"seconds": seconds, "revision": revision, "pending": pending}))
"""

MLFLOW_UPGRADE = """
import json, sys, time
from alembic import command
from alembic.script import ScriptDirectory
from mlflow.store.tracking.dbmodels.initial_models import Base as InitialBase
from mlflow.store.db.utils import _get_alembic_config
from sqlalchemy import create_engine
url, revision = sys.argv[1], sys.argv[2]
config = _get_alembic_config(url)
script = ScriptDirectory.from_config(config)
if revision.startswith("-"):
    revision = [s.revision for s in script.walk_revisions()][int(revision[1:])]
engine = create_engine(url)
InitialBase.metadata.create_all(engine)  # what mlflow's _initialize_tables does first
started = time.perf_counter()
with engine.begin() as connection:  # what mlflow's _upgrade_db does
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
seconds = time.perf_counter() - started
pending = [s.revision for s in script.iterate_revisions("heads", revision)]
print(json.dumps({"seconds": seconds, "revision": revision, "pending": pending}))
"""

PROJECTS = [
    RealProject("optuna", "5.1.0", "optuna/storages/_rdb/alembic.ini", (), "{package}/optuna/storages/_rdb",
                OPTUNA_UPGRADE),
    RealProject("mlflow", "3.17.2", "mlflow/store/db_migrations/alembic.ini",
                ("--script-location", "{package}/mlflow/store/db_migrations",
                 "--bootstrap-metadata", "mlflow.store.tracking.dbmodels.initial_models:Base"),
                "{package}", MLFLOW_UPGRADE, behind=5),
]


def site_packages(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{name} is not installed: run `make e2e` (it installs bench/e2e-requirements.txt)")
    return Path(spec.origin).parent.parent


def build(project: RealProject, server: EmbeddedServer, workdir: Path) -> tuple[Path, dict[str, float]]:
    """`pgdrift expected build` through the CLI, as a user runs it; its own figures and wall time."""
    package = site_packages(project.name)
    name = f"scratch_{project.name}"
    create_database(server.dsn(), name)
    ledger = workdir / f"{project.name}.json.gz"
    command = [sys.executable, "-m", "pgdrift", "expected", "build", str(package / project.ini), "-o", str(ledger),
               "--scratch-dsn", server.dsn(name), "--quiet",
               *(flag.format(package=package) for flag in project.flags)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=project.cwd.format(package=package),
                            check=False)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{project.name}: expected build failed:\n{result.stderr[-3000:]}")
    summary = result.stderr.strip().splitlines()[-1]  # wrote ...: N revisions, ... (Alembic X s, snapshots Y s)
    parsed = re.search(r": (\d+) revisions, .*\(loading the project ([\d.]+) s, Alembic ([\d.]+) s, "
                       r"snapshots ([\d.]+) s\)$", summary)
    assert parsed is not None, summary
    revisions, load, alembic, snapshots = int(parsed[1]), float(parsed[2]), float(parsed[3]), float(parsed[4])
    return ledger, {"revisions": revisions, "wall": wall, "load": load, "alembic": alembic, "snapshots": snapshots}


def own_upgrade(project: RealProject, server: EmbeddedServer, name: str, revision: str) -> dict[str, Any]:
    create_database(server.dsn(), name)
    url = server.sqlalchemy_url(name)
    result = subprocess.run([sys.executable, "-c", project.upgrade, url, revision], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise SystemExit(f"{project.name}: its own upgrade to {revision} failed:\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def hand_changes(dsn: str) -> dict[str, str]:
    """Five changes made by hand, each with the text its finding's object must contain."""
    connection = connect(dsn)
    try:
        tables = [row[0] for row in connection.run(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
            "'public' AND c.relkind = 'r' AND c.relname <> 'alembic_version' ORDER BY 1")]
        constraint, constrained = connection.run(
            "SELECT k.conname, t.relname FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN "
            "pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND k.contype = 'f' ORDER BY 1 "
            "LIMIT 1")[0]
        table, column = connection.run(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND is_nullable = 'YES' AND table_name <> 'alembic_version' ORDER BY 1, 2 LIMIT 1")[0]
        first = tables[0]
        first_column = connection.run("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                      "'public' AND table_name = :t ORDER BY ordinal_position LIMIT 1", t=first)[0][0]
        statements = {
            "CREATE TABLE pgdrift_hand_table (id int)": "pgdrift_hand_table",
            f'ALTER TABLE "{first}" ADD COLUMN pgdrift_hand_column int': "pgdrift_hand_column",
            f'CREATE INDEX pgdrift_hand_index ON "{first}" ("{first_column}")': "pgdrift_hand_index",
            f'ALTER TABLE "{constrained}" DROP CONSTRAINT "{constraint}"': f"{constraint}",
            f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET NOT NULL': f"{table}.{column}",
        }
        for statement in statements:
            connection.run(statement)
    finally:
        connection.close()
    return dict(statements)


def check(ledger: Path, dsn: str) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "pgdrift", "check", dsn, "--expected", str(ledger),
                             "--format", "json"], capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise SystemExit(f"check failed:\n{result.stderr}")
    return dict(json.loads(result.stdout))


def score(report: dict[str, Any], markers: dict[str, str], pending: list[str]) -> dict[str, Any]:
    changes = [change for change in report["changes"]
               if change.get("cause") != "pending_migration"]
    found = {statement for statement, marker in markers.items()
             if any(marker in change["object"] for change in changes)}
    false = [change for change in changes if not any(marker in change["object"] for marker in markers.values())]
    reported = [item["revision"] for item in report.get("pending_migrations", [])]
    return {"recall": len(found) / len(markers), "missed": sorted(set(markers) - found),
            "false_positives": [f"{change['kind']} {change['change']} {change['object']}" for change in false],
            "pending_ok": sorted(reported) == sorted(pending), "pending": reported, "alembic_pending": pending}


def run_project(project: RealProject, server: EmbeddedServer, workdir: Path) -> list[str]:
    ledger, figures = build(project, server, workdir)
    head = own_upgrade(project, server, f"head_{project.name}", "heads")
    # pgdrift's own part: snapshots and bookkeeping (all but Alembic and loading the project,
    # which `alembic upgrade` does too)
    own_part = figures["wall"] - figures["alembic"] - figures["load"]
    live_name = f"live_{project.name}"
    live = own_upgrade(project, server, live_name, f"-{project.behind}")
    markers = hand_changes(server.dsn(live_name))
    result = score(check(ledger, server.dsn(live_name)), markers, list(live["pending"]))
    print(f"\n{project.name} {project.version}: {figures['revisions']:.0f} revisions; live at {live['revision']} "
          f"({project.behind} behind head)")
    print(f"  recall {result['recall']:.0%} of 5 hand changes; missed: {result['missed'] or 'none'}")
    print(f"  false positives: {len(result['false_positives'])} {result['false_positives'] or ''}")
    print(f"  pending list equals Alembic's: {result['pending_ok']} ({len(result['pending'])} revisions)")
    return [project.name, f"{figures['revisions']:.0f}", f"{figures['wall']:.1f}", f"{figures['load']:.1f}",
            f"{figures['alembic']:.1f}", f"{figures['snapshots']:.1f}", f"{own_part:.1f}", f"{head['seconds']:.2f}",
            f"{own_part / figures['alembic']:.2f}", f"{result['recall']:.0%}", str(len(result["false_positives"])),
            "yes" if result["pending_ok"] else "NO"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-version", type=int, default=18)
    arguments = parser.parse_args(argv)
    print(f"e2e_real_projects on {machine_summary()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="pgdrift-e2e-") as workdir, \
            start_embedded(arguments.pg_version, prefer_contrib=True) as server:
        for project in PROJECTS:
            rows.append(run_project(project, server, Path(workdir)))
    print()
    print(format_table(["project", "revisions", "build s", "loading s", "Alembic s", "snapshots s",
                        "pgdrift's part s", "upgrade head, one go s", "part / Alembic", "recall", "false pos.",
                        "pending ok"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
