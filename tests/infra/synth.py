"""Synthesize the CDK app for the infra tests, once per test run even under pytest-xdist.

`synth_once` runs a synth into a directory shared by all xdist workers (the parent of their base
temp directories), under a file lock: the first worker synthesizes, the others wait and reuse it,
so a module-scoped fixture whose tests land on both workers costs one synth, not two.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_CONFIG = "tests/infra/config.json"
TEST_STACK = "pgdrift-test"
CA_PLACEHOLDER = "-----BEGIN CERTIFICATE-----\nplaceholder for the RDS CA bundle\n-----END CERTIFICATE-----\n"


@dataclass(frozen=True)
class Synthesized:
    outdir: Path
    stack_name: str

    @property
    def template_path(self) -> Path:
        return self.outdir / f"{self.stack_name}.template.json"

    @property
    def template(self) -> dict[str, Any]:
        return json.loads(self.template_path.read_text())

    @property
    def validation_report(self) -> dict[str, Any]:
        return json.loads((self.outdir / "validation-report.json").read_text())


def node_environment() -> dict[str, str]:
    environment = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    environment.pop("PGDRIFT_SKIP_BUNDLING", None)
    return environment


def synth_with_python(outdir: Path, context: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """`python app.py` with CDK_OUTDIR, context passed the way the CDK CLI passes it."""
    environment = {**node_environment(), "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps(context)}
    return subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=600, check=False)


def synth_once(tmp_path_factory: pytest.TempPathFactory, name: str,
               run: Callable[[Path], subprocess.CompletedProcess[str]]) -> Path:
    """The output directory of `run(directory)`, run once across xdist workers; fails the same way
    for every worker if the synth failed."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    outdir = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        status = shared / f"{name}.status"
        if not status.exists():
            result = run(outdir)
            status.write_text(json.dumps({"returncode": result.returncode, "stderr": result.stderr[-4000:]}))
    outcome = json.loads(status.read_text())
    assert outcome["returncode"] == 0, outcome["stderr"]
    return outdir


def _synth_test_config_bundled(outdir: Path) -> subprocess.CompletedProcess[str]:
    """tests/infra/config.json with real bundling (and a placeholder CA bundle file)."""
    outdir.mkdir(parents=True, exist_ok=True)
    ca_bundle = outdir.parent / f"{outdir.name}-ca.pem"
    ca_bundle.write_text(CA_PLACEHOLDER)
    document = json.loads((ROOT / TEST_CONFIG).read_text())["pgdrift"]
    document["monitor"]["ca_bundle"] = str(ca_bundle)  # absolute: used as is
    return synth_with_python(outdir, {"pgdrift": json.dumps(document)})


def synth_test_stack(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The test configuration through `python app.py`, with the real Lambda assets."""
    return Synthesized(synth_once(tmp_path_factory, "stack.out", _synth_test_config_bundled), TEST_STACK)
