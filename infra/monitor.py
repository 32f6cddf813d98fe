"""The monitor Lambda: arm64 Python in private subnets, least-privilege role, DLQ, X-Ray, log retention.

Its targets travel as the JSON in `PGDRIFT_TARGETS`: each target's `pgdrift.rules.TargetSettings`,
the model the monitor parses them with. `pgdrift.monitor.settings.parse_settings` reads the rendered
environment back at synth time (the CA bundle and the 4 KB limit are checked only there).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.bundling import ROOT, lambda_code
from infra.common import FunctionRole, encrypted_queue, function_log_group, function_role
from infra.config import DeployConfig, Target
from infra.network import MonitorNetwork
from pgdrift import contract
from pgdrift.errors import ConfigError
from pgdrift.monitor.settings import parse_settings

MONITOR_REQUIREMENTS = ROOT / "lambdas" / "monitor" / "requirements.txt"
CA_BUNDLE_NAME = "certs/rds-ca-bundle.pem"  # inside the asset, i.e. /var/task/certs/...
RUNTIME = lambda_.Runtime.PYTHON_3_12  # the asset's wheels are built for cp312
LAMBDA_ENVIRONMENT_BYTES = 4096
MONITOR_RETRY_ATTEMPTS = 2
# What the monitor writes, and what it reads back (alert state, its latest pointer, snapshots it
# de-duplicates against, the expected artifacts uploaded by CI).
WRITE_PREFIXES = (contract.PREFIX_SNAPSHOTS, contract.PREFIX_RUNS, contract.PREFIX_REPORTS,
                  contract.PREFIX_LATEST, contract.PREFIX_STATE)
READ_PREFIXES = (contract.PREFIX_SNAPSHOTS, contract.PREFIX_LATEST, contract.PREFIX_STATE,
                 contract.PREFIX_EXPECTED)


@dataclass(frozen=True)
class Monitor:
    function: lambda_.Function
    role: iam.Role
    dead_letter_queue: sqs.Queue


def target_settings(target: Target) -> dict[str, Any]:
    """One entry of PGDRIFT_TARGETS: the target's settings in the monitor's own model (pgdrift.rules),
    defaults left out (the environment has a 4 KB budget)."""
    entry: dict[str, Any] = target.settings.model_dump(mode="json", exclude_defaults=True)
    return entry


def monitor_environment(config: DeployConfig, bucket_name: str, topic_arn: str) -> dict[str, str]:
    environment = {
        contract.ENV_TARGETS: json.dumps([target_settings(target) for target in config.targets],
                                         separators=(",", ":"), sort_keys=True),
        contract.ENV_BUCKET: bucket_name,
        contract.ENV_TOPIC_ARN: topic_arn,
        contract.ENV_REMINDER_HOURS: str(config.alerting.reminder_hours),
        "POWERTOOLS_SERVICE_NAME": contract.SERVICE_NAME,
        "POWERTOOLS_METRICS_NAMESPACE": contract.METRICS_NAMESPACE,
    }
    if config.monitor.ca_bundle:
        environment[contract.ENV_CA_BUNDLE] = f"/var/task/{CA_BUNDLE_NAME}"
    if any(target.assume_role_arn for target in config.targets):
        # The regional STS endpoint is the one the VPC endpoint serves; older SDK defaults use the global one.
        environment["AWS_STS_REGIONAL_ENDPOINTS"] = "regional"
    # Validate with the monitor's own parser (tokens stand in for names CloudFormation fills in).
    try:
        parse_settings({**environment, contract.ENV_BUCKET: "bucket", contract.ENV_TOPIC_ARN: "topic"})
    except ConfigError as error:
        raise ConfigError(f"checking the targets with the monitor's own settings parser: {error}",
                          "In the pgdrift config, fix the target's tls/alert/schemas or set monitor.ca_bundle",
                          ) from None
    _check_environment_size(environment)
    return environment


def _check_environment_size(environment: dict[str, str]) -> None:
    """Lambda allows 4 KB of environment in total; the bucket name and topic ARN are deploy-time
    tokens here, so count them at their longest."""
    longest = {contract.ENV_BUCKET: 63, contract.ENV_TOPIC_ARN: 256}
    size = sum(len(key) + longest.get(key, len(value)) for key, value in environment.items())
    if size > LAMBDA_ENVIRONMENT_BYTES:
        per_target = len(environment[contract.ENV_TARGETS]) // max(environment[contract.ENV_TARGETS].count('"name"'), 1)
        raise ConfigError(
            f"rendering the monitor's environment: {contract.ENV_TARGETS} makes it up to {size} bytes, over "
            f"Lambda's {LAMBDA_ENVIRONMENT_BYTES}-byte limit (about {per_target} bytes per target)",
            "Split the targets across stacks with distinct stack_name values "
            "(docs/deploying.md, 'Scale: one deployment, many databases')")


def create_monitor(scope: Construct, config: DeployConfig, network: MonitorNetwork, key: kms.IKey,
                   bucket: s3.IBucket, topic: sns.ITopic) -> Monitor:
    settings = config.monitor
    log_group = function_log_group(scope, "MonitorLogs", key, settings.log_retention_days)
    role = function_role(scope, "MonitorRole", log_group, "pgdrift monitor: reads its secrets, writes its prefixes")
    dead_letter_queue = encrypted_queue(scope, "MonitorDeadLetterQueue", key)
    function = lambda_.Function(
        scope, "MonitorFunction",
        description="pgdrift: snapshot a target database and compare it with its expected schema",
        runtime=RUNTIME, architecture=lambda_.Architecture.ARM_64, handler=contract.MONITOR_HANDLER,
        code=lambda_code(cdk.Stack.of(scope), MONITOR_REQUIREMENTS,
                         {CA_BUNDLE_NAME: ROOT / settings.ca_bundle} if settings.ca_bundle else None),
        memory_size=settings.memory_mb, timeout=cdk.Duration.seconds(settings.timeout_seconds),
        reserved_concurrent_executions=settings.reserved_concurrency,
        vpc=network.vpc, vpc_subnets=_subnets(network), security_groups=[network.security_group],
        role=role.for_function, log_group=log_group, tracing=lambda_.Tracing.ACTIVE,
        # A failed run alerts by itself and returns; the invocation fails only when the alert could
        # not be published (pgdrift.monitor.run), and Lambda's retries then publish it. After that: the DLQ.
        dead_letter_queue=dead_letter_queue, retry_attempts=MONITOR_RETRY_ATTEMPTS,
        max_event_age=cdk.Duration.hours(1),
        environment=monitor_environment(config, bucket.bucket_name, topic.topic_arn),
    )
    _grant_monitor(role, config, bucket, key, topic)
    role.allow(["sqs:SendMessage"], [dead_letter_queue.queue_arn])
    # Lambda manages the function's network interfaces with the execution role, before the function
    # exists; as in AWSLambdaVPCAccessExecutionRole these take "*" (Describe* has no resource level).
    role.allow(["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
               ["*"])
    function.node.add_dependency(role.policy)  # Lambda checks the VPC permissions on create
    return Monitor(function, role.role, dead_letter_queue)


def _subnets(network: MonitorNetwork) -> ec2.SubnetSelection:
    return ec2.SubnetSelection(subnets=network.subnets)


def _grant_monitor(role: FunctionRole, config: DeployConfig, bucket: s3.IBucket, key: kms.IKey,
                   topic: sns.ITopic) -> None:
    own_secrets = sorted({target.secret_arn for target in config.targets if not target.assume_role_arn})
    if own_secrets:
        role.allow(["secretsmanager:GetSecretValue"], own_secrets)
    assumed_roles = sorted({target.assume_role_arn for target in config.targets if target.assume_role_arn})
    if assumed_roles:
        # Cross-account targets: the assumed role reads the secret in its own account.
        role.allow(["sts:AssumeRole"], assumed_roles)
    role.allow(["s3:PutObject"], [bucket.arn_for_objects(f"{prefix}*") for prefix in WRITE_PREFIXES])
    role.allow(["s3:GetObject"], [bucket.arn_for_objects(f"{prefix}*") for prefix in READ_PREFIXES])
    # ListBucket lets a HEAD of a missing snapshot answer 404 (not 403); it reveals key names only.
    role.allow(["s3:ListBucket"], [bucket.bucket_arn])
    role.allow(["kms:Decrypt", "kms:GenerateDataKey"], [key.key_arn])
    role.allow(["sns:Publish"], [topic.topic_arn])
    iam_users = sorted({(target.db_resource_id, target.iam_user) for target in config.targets
                        if target.iam_user and target.db_resource_id and not target.assume_role_arn})
    if iam_users:  # IAM database authentication: that database, as that user only
        stack = cdk.Stack.of(bucket)
        role.allow(["rds-db:connect"], [f"arn:{stack.partition}:rds-db:{stack.region}:{stack.account}:dbuser:"
                                        f"{resource_id}/{user}" for resource_id, user in iam_users])
