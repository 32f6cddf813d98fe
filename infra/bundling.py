"""Lambda assets built by CDK local bundling: `pip install --target` for the Lambda platform, no Docker.

The asset holds the function's third-party requirements (wheels for manylinux2014 aarch64 and
CPython 3.12, binary only, so nothing is compiled on the build machine) next to copies of
`pgdrift/` and `lambdas/`. Unit tests skip bundling (context `pgdrift:skip_bundling` or env
`PGDRIFT_SKIP_BUNDLING=1`) and get a tiny placeholder asset instead of minutes of pip.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_

from pgdrift.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = Path(__file__).resolve().parent / "placeholder"
SKIP_CONTEXT_KEY = "pgdrift:skip_bundling"
SKIP_ENV = "PGDRIFT_SKIP_BUNDLING"
SOURCE_PACKAGES = ("pgdrift", "lambdas")
PIP_PLATFORM = ("--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.12",
                "--only-binary=:all:")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "tests")


def build_asset_directory(requirements: Path, output_dir: Path, extra_files: Mapping[str, Path] | None = None) -> None:
    """Install the requirements for the Lambda platform, copy the first-party packages and the
    extra files (asset-relative name -> local file, e.g. the RDS CA bundle)."""
    if not requirements.is_file():
        raise ConfigError(f"bundling the Lambda asset: requirements file {requirements} not found",
                          "create it or check the path in infra/")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
               "--target", str(output_dir), *PIP_PLATFORM, "--requirement", str(requirements)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ConfigError(f"bundling the Lambda asset: pip install -r {requirements} failed: "
                          f"{result.stderr.strip()[-800:]}",
                          "check that every requirement has a manylinux2014_aarch64 / cp312 wheel on PyPI")
    for package in SOURCE_PACKAGES:
        shutil.copytree(ROOT / package, output_dir / package, ignore=IGNORED, dirs_exist_ok=True)
    for name, source in (extra_files or {}).items():
        (output_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, output_dir / name)


def directory_size(path: Path) -> int:
    """Unzipped size in bytes of everything under `path`."""
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


@jsii.implements(cdk.ILocalBundling)
class PipLocalBundling:
    """CDK calls `try_bundle` with the asset's staging directory; returning True skips Docker."""

    def __init__(self, requirements: Path, extra_files: Mapping[str, Path]) -> None:
        self.requirements = requirements
        self.extra_files = extra_files

    def try_bundle(self, output_dir: str, *args: Any, **kwargs: Any) -> bool:
        build_asset_directory(self.requirements, Path(output_dir), self.extra_files)
        return True


def source_hash(requirements: Path, extra_files: Mapping[str, Path]) -> str:
    """A hash of everything that goes into the asset, so CDK rebuilds exactly when it changes."""
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(" ".join(PIP_PLATFORM).encode())
    for name, source in sorted(extra_files.items()):
        digest.update(name.encode())
        digest.update(source.read_bytes())
    for package in SOURCE_PACKAGES:
        for file in sorted((ROOT / package).rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".pyc":
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def skip_bundling(scope: cdk.Stack) -> bool:
    value = scope.node.try_get_context(SKIP_CONTEXT_KEY)
    return str(value).lower() in ("1", "true", "yes") or os.environ.get(SKIP_ENV, "") in ("1", "true", "yes")


def lambda_code(scope: cdk.Stack, requirements: Path, extra_files: Mapping[str, Path] | None = None) -> lambda_.Code:
    """The function's code: the real bundle, or the placeholder when bundling is skipped."""
    if skip_bundling(scope):
        return lambda_.Code.from_asset(str(PLACEHOLDER))
    extra = dict(extra_files or {})
    for name, source in extra.items():
        if not source.is_file():
            raise ConfigError(f"bundling the Lambda asset: {name} comes from {source}, which does not exist",
                              "download it first (docs/deploying.md, 'Prerequisites')")
    return lambda_.Code.from_asset(
        str(requirements.parent),
        asset_hash_type=cdk.AssetHashType.CUSTOM,
        asset_hash=source_hash(requirements, extra),
        bundling=cdk.BundlingOptions(
            # Never pulled: local bundling succeeds first. CDK requires an image to be named.
            image=lambda_.Runtime.PYTHON_3_12.bundling_image,
            local=PipLocalBundling(requirements, extra),
        ),
    )
