"""Optional deploy-time upload of expected artifacts (config `expected_artifacts_path`) to expected/.

CDK's BucketDeployment would give its upload function write access to the whole bucket. Here it
gets its own role that may read exactly this asset object, write only under expected/, and log
to its own encrypted log group. CI upload on merge remains the recommended path (docs/deploying.md).
"""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from infra.assets import ROOT
from infra.common import function_log_group, function_role
from pgdrift import contract
from pgdrift.errors import ConfigError


def deploy_expected_artifacts(scope: Construct, path: str, bucket: s3.IBucket, key: kms.IKey,
                              log_retention_days: int) -> s3_deployment.BucketDeployment:
    directory = ROOT / path  # relative to the project; an absolute path stays as it is
    if not directory.is_dir():
        raise ConfigError(f"reading pgdrift config: expected_artifacts_path: {directory} is not a directory",
                          "Build the artifacts first (pgdrift expected build) or remove the key")
    asset = s3_assets.Asset(scope, "ExpectedArtifactsAsset", path=str(directory))
    log_group = function_log_group(scope, "ExpectedUploadLogs", key, log_retention_days)
    role = function_role(scope, "ExpectedUploadRole", log_group, "pgdrift: upload expected artifacts at deploy",
                         tracing=False)
    role.allow(["s3:GetObject"], [asset.bucket.arn_for_objects(asset.s3_object_key)])
    role.allow(["s3:PutObject"], [bucket.arn_for_objects(f"{contract.PREFIX_EXPECTED}*")])
    role.allow(["s3:ListBucket"], [bucket.bucket_arn])  # `aws s3 sync` lists the destination
    role.allow(["kms:GenerateDataKey", "kms:Decrypt"], [key.key_arn])
    deployment = s3_deployment.BucketDeployment(
        scope, "ExpectedArtifacts", sources=[s3_deployment.Source.bucket(asset.bucket, asset.s3_object_key)],
        destination_bucket=bucket, destination_key_prefix=contract.PREFIX_EXPECTED, prune=False,
        retain_on_delete=True, role=role.for_function, log_group=log_group)
    deployment.node.add_dependency(role.policy)
    return deployment
