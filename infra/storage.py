"""The KMS key and the two buckets: snapshots/reports/run records, and its server access logs."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.config import Retention
from pgdrift import contract

# Prefixes whose objects expire with the retention settings. expected/, latest/ and state/ are
# the current truth (artifact, newest run, alert state) and must never expire.
EXPIRING_PREFIXES = (contract.PREFIX_SNAPSHOTS, contract.PREFIX_RUNS, contract.PREFIX_REPORTS)
# Rewritten by every run, so versioning keeps one old version per run: those expire (issue 12),
# the current object never does. The run records keep the history these versions would repeat.
OVERWRITTEN_PREFIXES = (contract.PREFIX_STATE, contract.PREFIX_LATEST)
PREFIX_ATHENA_RESULTS = "athena-results/"
ATHENA_RESULT_DAYS = 30
NONCURRENT_VERSION_DAYS = 30
# Reading, writing, deleting and listing objects: what the endpoint restriction denies. Bucket
# configuration (CloudFormation's PutBucketPolicy, PutLifecycleConfiguration, ...) stays reachable,
# so a stack update or an administrator can always change the policy itself.
DATA_PLANE_ACTIONS = ("s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:ListBucket*",
                      "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload", "s3:RestoreObject")


def create_key(scope: Construct) -> kms.Key:
    """One customer managed key, rotated yearly, for the bucket, topic, queues and log groups."""
    key = kms.Key(scope, "Key", description="pgdrift: snapshots, reports, alerts, queues and logs",
                  enable_key_rotation=True, removal_policy=cdk.RemovalPolicy.RETAIN)
    stack = cdk.Stack.of(scope)
    # CloudWatch Logs encrypts the functions' log groups with this key; scoped to this account's groups.
    key.add_to_resource_policy(iam.PolicyStatement(
        principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
        actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources=["*"],  # in a key policy "*" means this key
        conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:*"}},
    ))
    # CloudWatch alarms and SNS (subscription dead-letter queues) write to encrypted resources.
    for service in ("cloudwatch.amazonaws.com", "sns.amazonaws.com"):
        key.add_to_resource_policy(iam.PolicyStatement(
            principals=[iam.ServicePrincipal(service)],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
        ))
    return key


def create_log_bucket(scope: Construct, retention: Retention) -> s3.Bucket:
    """Server access logs. S3 log delivery cannot write to SSE-KMS buckets, hence S3-managed keys."""
    return s3.Bucket(
        scope, "AccessLogBucket",
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        versioned=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=cdk.RemovalPolicy.RETAIN,
        lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(retention.days),
                                          noncurrent_version_expiration=cdk.Duration.days(1))],
    )


def _lifecycle_rules(retention: Retention) -> list[s3.LifecycleRule]:
    transitions = ([s3.Transition(storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                                  transition_after=cdk.Duration.days(retention.transition_days))]
                   if retention.transition_days else None)
    rules = [
        s3.LifecycleRule(id=f"expire-{prefix.rstrip('/')}", prefix=prefix,
                         expiration=cdk.Duration.days(retention.days), transitions=transitions,
                         noncurrent_version_expiration=cdk.Duration.days(NONCURRENT_VERSION_DAYS))
        for prefix in EXPIRING_PREFIXES
    ]
    rules += [s3.LifecycleRule(id=f"expire-old-versions-{prefix.rstrip('/')}", prefix=prefix,
                               noncurrent_version_expiration=cdk.Duration.days(NONCURRENT_VERSION_DAYS))
              for prefix in OVERWRITTEN_PREFIXES]
    rules.append(s3.LifecycleRule(id="expire-athena-results", prefix=PREFIX_ATHENA_RESULTS,
                                  expiration=cdk.Duration.days(ATHENA_RESULT_DAYS),
                                  noncurrent_version_expiration=cdk.Duration.days(1)))
    rules.append(s3.LifecycleRule(id="abort-incomplete-uploads",
                                  abort_incomplete_multipart_upload_after=cdk.Duration.days(7)))
    return rules


def create_data_bucket(scope: Construct, key: kms.IKey, log_bucket: s3.IBucket,
                       retention: Retention) -> s3.Bucket:
    """Snapshots, reports, run records, alert state and the expected artifacts.

    With `retention.object_lock_days`, every new object version is locked in governance mode for
    that long (bucket-wide default retention; docs/deploying.md, 'Audit retention with S3 Object Lock')."""
    lock_days = retention.object_lock_days
    return s3.Bucket(
        scope, "DataBucket",
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,  # one KMS call per object prefix instead of per request
        enforce_ssl=True,
        versioned=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=log_bucket,
        server_access_logs_prefix="data-bucket/",
        removal_policy=cdk.RemovalPolicy.RETAIN,
        lifecycle_rules=_lifecycle_rules(retention),
        object_lock_enabled=True if lock_days else None,
        object_lock_default_retention=(s3.ObjectLockRetention.governance(cdk.Duration.days(lock_days))
                                       if lock_days else None),
    )


def restrict_to_endpoint(bucket: s3.Bucket, endpoint_id: str, principal_arns: Sequence[str]) -> None:
    """Deny object access that does not come through the VPC's S3 gateway endpoint (issue 12).

    Exempt: AWS services acting for a caller (Athena reads runs/ and writes its results with the
    caller's forward access session, which carries no endpoint id), AWS service principals, and the
    listed principals (CI uploading expected/, operators; the deploy-time upload's role is added by
    the stack). The AWS data-perimeter guide's network-perimeter statement, limited to this bucket."""
    conditions: dict[str, dict[str, object]] = {
        "StringNotEqualsIfExists": {"aws:SourceVpce": endpoint_id},
        "BoolIfExists": {"aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false"},
    }
    if principal_arns:
        conditions["ArnNotLikeIfExists"] = {"aws:PrincipalArn": list(principal_arns)}
    bucket.add_to_resource_policy(iam.PolicyStatement(
        sid="DenyObjectAccessOutsideTheVpcEndpoint", effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()],
        actions=list(DATA_PLANE_ACTIONS), resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
        conditions=conditions,
    ))
