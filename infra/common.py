"""Small secure-by-default building blocks shared by the constructs: queues, log groups, roles."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

DLQ_RETENTION_DAYS = 14  # the SQS maximum: two weeks to notice the DLQ-depth alarm and redrive


def encrypted_queue(scope: Construct, construct_id: str, key: kms.IKey) -> sqs.Queue:
    """A dead-letter queue: KMS-encrypted with the stack key, TLS only, kept two weeks."""
    return sqs.Queue(scope, construct_id, encryption=sqs.QueueEncryption.KMS, encryption_master_key=key,
                     enforce_ssl=True, retention_period=cdk.Duration.days(DLQ_RETENTION_DAYS))


def function_log_group(scope: Construct, construct_id: str, key: kms.IKey, days: int) -> logs.LogGroup:
    return logs.LogGroup(scope, construct_id, encryption_key=key, retention=_retention(days),
                         removal_policy=cdk.RemovalPolicy.RETAIN)


RETENTION_DAYS = {
    1: logs.RetentionDays.ONE_DAY, 3: logs.RetentionDays.THREE_DAYS, 5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK, 14: logs.RetentionDays.TWO_WEEKS, 30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS, 90: logs.RetentionDays.THREE_MONTHS, 120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS, 180: logs.RetentionDays.SIX_MONTHS, 365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS, 545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS, 1096: logs.RetentionDays.THREE_YEARS, 1827: logs.RetentionDays.FIVE_YEARS,
    2192: logs.RetentionDays.SIX_YEARS, 2557: logs.RetentionDays.SEVEN_YEARS, 2922: logs.RetentionDays.EIGHT_YEARS,
    3288: logs.RetentionDays.NINE_YEARS, 3653: logs.RetentionDays.TEN_YEARS,
}


def _retention(days: int) -> logs.RetentionDays:
    """The shortest CloudWatch retention that keeps at least `days` days (it accepts only these)."""
    chosen = next((allowed for allowed in sorted(RETENTION_DAYS) if allowed >= days), max(RETENTION_DAYS))
    return RETENTION_DAYS[chosen]


@dataclass(frozen=True)
class FunctionRole:
    """A Lambda role whose every permission is in one customer managed policy (HIPAA: no inline
    policies). `for_function` ignores the grants CDK would add on its own (DLQ, X-Ray), so nothing
    reaches the role that is not written out in `policy`."""

    role: iam.Role
    policy: iam.ManagedPolicy

    @property
    def for_function(self) -> iam.IRole:
        return self.role.without_policy_updates()

    def allow(self, actions: list[str], resources: list[str]) -> None:
        self.policy.add_statements(iam.PolicyStatement(actions=actions, resources=resources))


def function_role(scope: Construct, construct_id: str, log_group: logs.ILogGroup, description: str,
                  tracing: bool = True) -> FunctionRole:
    """Logs to its own group only, and X-Ray traces (whose API has no resource-level permissions)."""
    role = iam.Role(scope, construct_id, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                    description=description)
    policy = iam.ManagedPolicy(scope, f"{construct_id}Policy", roles=[role], description=description)
    function_role = FunctionRole(role, policy)
    function_role.allow(["logs:CreateLogStream", "logs:PutLogEvents"], [log_group.log_group_arn])
    if tracing:
        function_role.allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"])
    return function_role
