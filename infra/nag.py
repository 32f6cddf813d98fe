"""cdk-nag (AwsSolutions and HIPAA.Security) on every synth, and the acknowledged findings.

Each acknowledgement names one construct (its path under the stack), one finding and a reason
specific to pgdrift. tests/infra/test_nag.py lists them, so adding one is a visible change.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks
from constructs import IConstruct


@dataclass(frozen=True)
class Acknowledgement:
    path: str  # construct path below the stack
    finding: str  # rule id, with [finding id] for per-finding rules such as IAM5
    reason: str


PREFIX_REASON = ("S3 object ARNs can be narrowed only by key prefix; {prefix} is the one prefix of the "
                 "pgdrift layout (pgdrift.contract) this statement needs, in the stack's own bucket")
MONITOR_PREFIXES = ("expected", "latest", "reports", "runs", "snapshots", "state")
DATA_BUCKET = "{data_bucket}"  # replaced by the bucket's logical id, which the finding names

ACKNOWLEDGEMENTS: tuple[Acknowledgement, ...] = (
    Acknowledgement("MonitorRolePolicy", "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                    "Only X-Ray PutTraceSegments/PutTelemetryRecords and the Lambda VPC network-interface "
                    "actions (ec2:*NetworkInterface*, DescribeSubnets) use '*': these EC2 and X-Ray actions "
                    "do not support resource-level permissions"),
    *(Acknowledgement("MonitorRolePolicy",
                      f"AwsSolutions::AwsSolutions-IAM5[Resource::<{DATA_BUCKET}.Arn>/{prefix}/*]",
                      PREFIX_REASON.format(prefix=f"{prefix}/"))
      for prefix in MONITOR_PREFIXES),
    Acknowledgement("SlackRolePolicy", "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                    "Only X-Ray PutTraceSegments/PutTelemetryRecords use '*': X-Ray has no resource-level "
                    "permissions"),
    Acknowledgement("MonitorFunction", "AwsSolutions::AwsSolutions-L1",
                    "Pinned to python3.12 on purpose: the asset's wheels are built for cp312 and the "
                    "Powertools public layer is the python312 build; supported by Lambda until 2028"),
    Acknowledgement("SlackFunction", "AwsSolutions::AwsSolutions-L1",
                    "Pinned to python3.12 to match the monitor's asset build and the python312 Powertools layer"),
    Acknowledgement("ScheduleDeadLetterQueue", "AwsSolutions::AwsSolutions-SQS3",
                    "This queue is itself the dead-letter queue of the EventBridge Scheduler schedules"),
    Acknowledgement("SlackDeliveryDeadLetterQueue", "AwsSolutions::AwsSolutions-SQS3",
                    "This queue is itself the dead-letter queue of the SNS subscription of the Slack notifier"),
    Acknowledgement("SlackFunction", "HIPAA.Security::HIPAA.Security-LambdaInsideVPC",
                    "The Slack notifier talks only to Secrets Manager and hooks.slack.com on the internet and "
                    "never to a database; alerts carry schema object names, not table data. In a VPC it "
                    "would need a NAT gateway for no gain in isolation"),
    Acknowledgement("DataBucket", "HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled",
                    "Snapshots and reports are re-created by the next run from the databases and expected "
                    "artifacts come from CI; versioning plus retention protect the history. Cross-region "
                    "replication is a per-organisation choice (docs/deploying.md)"),
    Acknowledgement("AccessLogBucket", "HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled",
                    "Server access logs of the data bucket only; versioned, and replicated by organisation-wide "
                    "log archiving if the organisation has it"),
    Acknowledgement("AccessLogBucket", "HIPAA.Security::HIPAA.Security-S3DefaultEncryptionKMS",
                    "S3 server access log delivery does not support SSE-KMS target buckets; SSE-S3 is used"),
)


# The optional deploy-time upload (config `expected_artifacts_path`, infra/expected.py) runs CDK's
# BucketDeployment function with our least-privilege role; CDK defines the function itself.
BUCKET_DEPLOYMENT = "Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C"
_PROVIDER = "CDK's BucketDeployment function (opt-in via expected_artifacts_path; CI upload is recommended)"
BUCKET_DEPLOYMENT_ACKNOWLEDGEMENTS: tuple[Acknowledgement, ...] = (
    Acknowledgement("ExpectedUploadRolePolicy",
                    f"AwsSolutions::AwsSolutions-IAM5[Resource::<{DATA_BUCKET}.Arn>/expected/*]",
                    PREFIX_REASON.format(prefix="expected/") + "; the upload writes one object per target there"),
    Acknowledgement(BUCKET_DEPLOYMENT, "AwsSolutions::AwsSolutions-L1",
                    f"{_PROVIDER}: CDK pins that function's runtime, not this stack"),
    Acknowledgement(BUCKET_DEPLOYMENT, "HIPAA.Security::HIPAA.Security-LambdaInsideVPC",
                    f"{_PROVIDER}: copies one asset between S3 buckets at deploy time and never reaches a database"),
    Acknowledgement(BUCKET_DEPLOYMENT, "HIPAA.Security::HIPAA.Security-LambdaConcurrency",
                    f"{_PROVIDER}: invoked only by CloudFormation, once per deployment that changes the artifacts"),
    Acknowledgement(BUCKET_DEPLOYMENT, "HIPAA.Security::HIPAA.Security-LambdaDLQ",
                    f"{_PROVIDER}: invoked synchronously by CloudFormation, which reports and rolls back failures"),
)


def enable_checks(app: cdk.App) -> None:
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
                                        HIPAASecurityChecks(app, write_suppressions_to_cloud_formation=True))


def acknowledge(stack: cdk.Stack,
                acknowledgements: tuple[Acknowledgement, ...] = ACKNOWLEDGEMENTS + BUCKET_DEPLOYMENT_ACKNOWLEDGEMENTS,
                ) -> None:
    bucket = _find(stack, "DataBucket/Resource")
    assert isinstance(bucket, cdk.CfnElement)
    bucket_id = stack.get_logical_id(bucket)
    for acknowledgement in acknowledgements:
        construct = _find(stack, acknowledgement.path)
        if construct is None:
            continue  # optional resources (the Slack notifier, BucketDeployment) may be absent
        finding = (acknowledgement.finding.replace(DATA_BUCKET, bucket_id)
                   .replace("{account}", stack.account).replace("{region}", stack.region))
        cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id=finding, reason=acknowledgement.reason))


def _find(stack: cdk.Stack, path: str) -> IConstruct | None:
    node: IConstruct | None = stack
    for part in path.split("/"):
        node = node.node.try_find_child(part) if node is not None else None
    return node
