"""Synthesize the CDK app in a subprocess, the way `python app.py` runs it, for the infra tests.

Bundling is skipped (placeholder asset); tests/infra/test_bundling.py builds the real asset.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TEST_CONFIG = "tests/infra/config.json"


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
    return {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


def synth_with_python(outdir: Path, context: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """`python app.py` with CDK_OUTDIR, context passed the way the CDK CLI passes it."""
    environment = {**node_environment(), "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps(context)}
    environment.pop("PGDRIFT_SKIP_BUNDLING", None)
    return subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=300, check=False)


def synth_test_config(outdir: Path) -> Synthesized:
    result = synth_with_python(outdir, {"pgdrift:config_file": TEST_CONFIG, "pgdrift:skip_bundling": True})
    assert result.returncode == 0, result.stderr[-3000:]
    return Synthesized(outdir, "pgdrift-test")
