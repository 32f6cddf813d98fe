"""CDK local bundling of the Lambda assets: no Docker; `ILocalBundling` calls infra.assets.

Unit tests skip bundling (context `pgdrift:skip_bundling` or env `PGDRIFT_SKIP_BUNDLING=1`) and
get a tiny placeholder asset instead of minutes of pip.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_

from infra.assets import ROOT, build_asset_directory, source_hash
from pgdrift.errors import ConfigError

__all__ = ["ROOT", "PipLocalBundling", "lambda_code", "skip_bundling"]

PLACEHOLDER = Path(__file__).resolve().parent / "placeholder"
SKIP_CONTEXT_KEY = "pgdrift:skip_bundling"
SKIP_ENV = "PGDRIFT_SKIP_BUNDLING"
TRUE = ("1", "true", "yes")


@jsii.implements(cdk.ILocalBundling)
class PipLocalBundling:
    """CDK calls `try_bundle` with the asset's staging directory; returning True skips Docker."""

    def __init__(self, requirements: Path, extra_files: Mapping[str, Path]) -> None:
        self.requirements = requirements
        self.extra_files = extra_files

    def try_bundle(self, output_dir: str, *args: Any, **kwargs: Any) -> bool:
        build_asset_directory(self.requirements, Path(output_dir), self.extra_files)
        return True


def skip_bundling(scope: cdk.Stack) -> bool:
    value = scope.node.try_get_context(SKIP_CONTEXT_KEY)
    return str(value).lower() in TRUE or os.environ.get(SKIP_ENV, "").lower() in TRUE


def lambda_code(scope: cdk.Stack, requirements: Path, extra_files: Mapping[str, Path] | None = None) -> lambda_.Code:
    """The function's code: the real bundle, or the placeholder when bundling is skipped."""
    if skip_bundling(scope):
        return lambda_.Code.from_asset(str(PLACEHOLDER))
    extra = dict(extra_files or {})
    for name, source in extra.items():
        if not source.is_file():
            raise ConfigError(f"bundling the Lambda asset: {name} comes from {source}, which does not exist",
                              "Download it first (docs/deploying.md, 'Prerequisites')")
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
