"""Both sides of the Lambda contract use the names in pgdrift.contract: the synthesized template
(through the pinned CDK CLI, with the example configuration) and the handler modules."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pgdrift import contract
from tests.infra.synth import ROOT, node_environment, synth_once

CDK_CLI = ROOT / "node_modules" / ".bin" / "cdk"
POWERTOOLS_VARIABLES = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"}


@pytest.fixture(scope="module")
def cli_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`cdk synth` through the pinned CLI, offline, with cdk.json as shipped (the example config)."""
    if not CDK_CLI.exists():
        pytest.fail(f"{CDK_CLI} is missing: run `npm ci` (make test does)")

    def run(outdir: Path) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(CDK_CLI), "synth", "--no-notices", "--quiet", "-c", "pgdrift:skip_bundling=true",
                                 "-o", str(outdir)], cwd=ROOT, env=node_environment(), capture_output=True,
                                text=True, timeout=600, check=False)
        if "WARNING" in result.stderr:  # an unacknowledged construct warning is a failure too
            return subprocess.CompletedProcess(result.args, 1, result.stdout, result.stderr)
        return result

    outdir = synth_once(tmp_path_factory, "cli.out", run)
    return json.loads((outdir / "pgdrift.template.json").read_text())


def _function(template: dict[str, Any], prefix: str) -> dict[str, Any]:
    found = [body["Properties"] for name, body in template["Resources"].items()
             if body["Type"] == "AWS::Lambda::Function" and name.startswith(prefix)]
    assert len(found) == 1
    return found[0]


@pytest.mark.infra
def test_template_handlers_are_the_contract_handlers(cli_template: dict[str, Any]) -> None:
    assert _function(cli_template, "MonitorFunction")["Handler"] == contract.MONITOR_HANDLER
    assert _function(cli_template, "SlackFunction")["Handler"] == contract.SLACK_HANDLER


@pytest.mark.infra
def test_template_environment_keys_are_contract_names(cli_template: dict[str, Any]) -> None:
    monitor = _function(cli_template, "MonitorFunction")["Environment"]["Variables"]
    # AWS_STS_REGIONAL_ENDPOINTS: the example has a cross-account target (an SDK setting, not ours).
    assert set(monitor) == {contract.ENV_TARGETS, contract.ENV_BUCKET, contract.ENV_TOPIC_ARN,
                            contract.ENV_REMINDER_HOURS, contract.ENV_CA_BUNDLE,
                            "AWS_STS_REGIONAL_ENDPOINTS"} | POWERTOOLS_VARIABLES
    assert monitor["POWERTOOLS_METRICS_NAMESPACE"] == contract.METRICS_NAMESPACE
    assert monitor["POWERTOOLS_SERVICE_NAME"] == contract.SERVICE_NAME
    assert [target["name"] for target in json.loads(monitor[contract.ENV_TARGETS])] == [
        "credentialing-prod", "billing-partner"]
    slack = _function(cli_template, "SlackFunction")["Environment"]["Variables"]
    assert set(slack) == {contract.ENV_SLACK_SECRET_ARN, "POWERTOOLS_SERVICE_NAME"}


@pytest.mark.parametrize("handler", [contract.MONITOR_HANDLER, contract.SLACK_HANDLER])
def test_handler_modules_exist_at_the_contract_paths(handler: str) -> None:
    module_name, function_name = handler.rsplit(".", 1)
    assert (ROOT / (module_name.replace(".", "/") + ".py")).is_file()
    module = importlib.import_module(module_name)
    assert callable(getattr(module, function_name))


def _python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    return names


@pytest.mark.parametrize(("folder", "forbidden"), [("infra", "lambdas"), ("lambdas", "infra")])
def test_infra_and_lambdas_never_import_each_other(folder: str, forbidden: str) -> None:
    files = _python_files(folder)
    assert files
    for path in files:
        assert not [name for name in _imports(path) if name.split(".")[0] == forbidden], path


CONTRACT_VALUES = {value for name, value in vars(contract).items()
                   if name.startswith("ENV_") and isinstance(value, str)}


@pytest.mark.parametrize("folder", ["infra", "lambdas"])
def test_environment_names_are_never_restated_as_literals(folder: str) -> None:
    # Each side must use the constant (contract.ENV_TARGETS), not a copy of its value.
    for path in _python_files(folder):
        literals = {node.value for node in ast.walk(ast.parse(path.read_text()))
                    if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        assert not literals & CONTRACT_VALUES, f"{path} restates {literals & CONTRACT_VALUES}"
