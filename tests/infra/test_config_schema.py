"""The deploy config's JSON Schema (infra/deploy-config.schema.json): written by the model that parses
the config, committed up to date, and it accepts the shipped configs and refuses bad ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from infra.config import SCHEMA_FILE, render_json_schema
from tests.infra.test_config import CASES, EXAMPLE, _patched

CONFIGS = [EXAMPLE, Path(__file__).parent / "config.json"]
# Cases of config_errors.json a schema can tell (patterns, ranges, enums, unknown keys, required keys);
# the cross-field checks (one VPC, duplicate names, connection limits) are the model's alone.
SCHEMA_CASES = ["account", "targets[0].port", "targets[0].prot", "targets[0].severity_overrides[0].severity",
                "targets[0].schedule.expression", "network.availability_zones[0]"]
SELECTED = [case for case in CASES if case["error"].split(":")[0] in SCHEMA_CASES]


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_what_the_model_writes() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_json_schema(), (
        "infra/deploy-config.schema.json is stale: run `python -m infra.config --schema`")


@pytest.mark.parametrize("path", CONFIGS, ids=[path.name for path in CONFIGS])
def test_shipped_configs_validate_against_the_schema(path: Path) -> None:
    # Given the wrapped file ({"pgdrift": {...}}) and the bare object, both validate.
    document = json.loads(path.read_text(encoding="utf-8"))
    _validator().validate(document)
    _validator().validate(document["pgdrift"])


def test_every_schema_case_is_in_config_errors() -> None:
    assert {case["error"].split(":")[0] for case in SELECTED} == set(SCHEMA_CASES)


@pytest.mark.parametrize("case", SELECTED, ids=[case["error"].split(":")[0] for case in SELECTED])
def test_bad_config_does_not_validate(case: dict[str, Any]) -> None:
    assert not _validator().is_valid(_patched(case))
    assert not _validator().is_valid({"pgdrift": _patched(case)})
