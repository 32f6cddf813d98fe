"""Building a Lambda asset directory: `pip install --target` for the Lambda platform plus copies of
`pgdrift/` and `lambdas/`. No CDK here, so the benchmark and tests can call it without node.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from pgdrift.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
SOURCE_PACKAGES = ("pgdrift", "lambdas")
# Wheels for Lambda arm64 / CPython 3.12, binary only: nothing is compiled on the build machine.
PIP_PLATFORM = ("--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.12",
                "--only-binary=:all:")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "tests")


def build_asset_directory(requirements: Path, output_dir: Path, extra_files: Mapping[str, Path] | None = None) -> None:
    """Install the requirements for the Lambda platform, copy the first-party packages and the
    extra files (asset-relative name -> local file, e.g. the RDS CA bundle)."""
    if not requirements.is_file():
        raise ConfigError(f"bundling the Lambda asset: requirements file {requirements} not found",
                          "Create it or check the path in infra/")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
               "--target", str(output_dir), *PIP_PLATFORM, "--requirement", str(requirements)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ConfigError(f"bundling the Lambda asset: pip install -r {requirements} failed: "
                          f"{result.stderr.strip()[-800:]}",
                          "Check that every requirement has a manylinux2014_aarch64 / cp312 wheel on PyPI")
    for package in SOURCE_PACKAGES:
        shutil.copytree(ROOT / package, output_dir / package, ignore=IGNORED, dirs_exist_ok=True)
    for name, source in (extra_files or {}).items():
        (output_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, output_dir / name)


def directory_size(path: Path) -> int:
    """Unzipped size in bytes of everything under `path`."""
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


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
