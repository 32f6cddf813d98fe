"""The real Lambda assets: CDK local bundling (pip for manylinux2014 aarch64 / cp312, no Docker)
through a full `python app.py` synth, checked for content and the unzipped size limit."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from infra.assets import directory_size
from pgdrift import contract
from pgdrift.schema.kinds import KINDS
from tests.infra.synth import synth_test_stack

pytestmark = pytest.mark.infra

MAX_ASSET_BYTES = 15 * 1024 * 1024  # the monitor issue's budget for the unzipped asset
EM_AARCH64 = 183  # ELF e_machine of arm64


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Function logical-id prefix -> its bundled asset directory in cdk.out (the same synth as
    test_stack.py's: tests/infra/config.json through `python app.py` with real bundling)."""
    synthesized = synth_test_stack(tmp_path_factory)
    found = {}
    for name, body in synthesized.template["Resources"].items():
        if body["Type"] == "AWS::Lambda::Function":
            asset_hash = body["Properties"]["Code"]["S3Key"].removesuffix(".zip")
            found[name] = synthesized.outdir / f"asset.{asset_hash}"
    return found


def _asset(assets: dict[str, Path], prefix: str) -> Path:
    [path] = [path for name, path in assets.items() if name.startswith(prefix)]
    return path


@pytest.mark.parametrize("prefix", ["MonitorFunction", "SlackFunction"])
def test_asset_is_under_the_size_budget(assets: dict[str, Path], prefix: str) -> None:
    size = directory_size(_asset(assets, prefix))
    assert 100_000 < size < MAX_ASSET_BYTES, f"{prefix}: {size / 1e6:.1f} MB"


def test_monitor_asset_holds_handler_core_sql_dependencies_and_ca_bundle(assets: dict[str, Path]) -> None:
    asset = _asset(assets, "MonitorFunction")
    handler_module = contract.MONITOR_HANDLER.rsplit(".", 1)[0].replace(".", "/") + ".py"
    assert (asset / handler_module).is_file()
    assert (asset / "pgdrift" / "__init__.py").is_file()
    shipped = {path.name for path in (asset / "pgdrift" / "catalog" / "sql").glob("*.sql")}
    assert {kind.sql for kind in KINDS} | {"namespaces.sql"} <= shipped, "every kind's catalog query must ship"
    assert (asset / "pg8000").is_dir() and (asset / "dateutil").is_dir()
    assert (asset / "certs" / "rds-ca-bundle.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert not list(asset.rglob("__pycache__")) and not list(asset.rglob("*.pyc"))
    assert not (asset / "tests").exists() and not (asset / "boto3").exists()


def test_slack_asset_holds_its_handler_and_slack_sdk(assets: dict[str, Path]) -> None:
    asset = _asset(assets, "SlackFunction")
    assert (asset / (contract.SLACK_HANDLER.rsplit(".", 1)[0].replace(".", "/") + ".py")).is_file()
    assert (asset / "slack_sdk").is_dir()


def test_native_libraries_are_built_for_arm64(assets: dict[str, Path]) -> None:
    for asset in assets.values():
        for library in asset.rglob("*.so"):
            header = library.read_bytes()[:20]
            assert header[:4] == b"\x7fELF", library
            assert struct.unpack("<H", header[18:20])[0] == EM_AARCH64, library
