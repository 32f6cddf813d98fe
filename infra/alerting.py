"""The alert topic (KMS-encrypted, publishers pinned by policy), email subscriptions with severity
filter policies, and the Slack notifier Lambda (outside the VPC, with its dead-letter queues)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.bundling import ROOT, lambda_code
from infra.common import encrypted_queue, function_log_group, function_role
from infra.config import Alerting, EmailSubscriber
from infra.monitor import RUNTIME
from pgdrift import contract
from pgdrift.compare.findings import SEVERITIES

SLACK_REQUIREMENTS = ROOT / "lambdas" / "slack_notifier" / "requirements.txt"
SEVERITY_ATTRIBUTE = "severity"  # set by the monitor on every message (pgdrift.notify.alerting)
RESOLVED_SEVERITY = "none"  # "resolved" and clean messages


@dataclass(frozen=True)
class SlackNotifier:
    function: lambda_.Function
    dead_letter_queues: tuple[sqs.Queue, ...]


def create_topic(scope: Construct, key: kms.IKey) -> sns.Topic:
    return sns.Topic(scope, "AlertTopic", display_name="pgdrift schema drift", master_key=key, enforce_ssl=True)


def restrict_publishers(topic: sns.Topic, publisher_roles: list[iam.IRole]) -> None:
    """Only the stack's roles and this account's CloudWatch alarms may publish."""
    stack = cdk.Stack.of(topic)
    topic.add_to_resource_policy(iam.PolicyStatement(
        sid="AllowAlarmsOfThisAccount", principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions=["sns:Publish"], resources=[topic.topic_arn],
        conditions={"StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {"aws:SourceArn": f"arn:{stack.partition}:cloudwatch:{stack.region}:"
                                                 f"{stack.account}:alarm:*"}}))
    topic.add_to_resource_policy(iam.PolicyStatement(
        sid="DenyOtherPublishers", effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()],
        actions=["sns:Publish"], resources=[topic.topic_arn],
        conditions={"StringNotEquals": {"aws:PrincipalArn": [role.role_arn for role in publisher_roles]},
                    "Bool": {"aws:PrincipalIsAWSService": "false"}}))


def email_filter_policy(min_severity: str) -> dict[str, Any]:
    """Findings at or above `min_severity`, plus "resolved" notices and messages without the
    attribute (CloudWatch alarm notifications), so a filtered subscriber still hears of outages."""
    wanted = [*SEVERITIES[: SEVERITIES.index(min_severity) + 1], RESOLVED_SEVERITY]
    return {"$or": [{SEVERITY_ATTRIBUTE: wanted}, {SEVERITY_ATTRIBUTE: [{"exists": False}]}]}


def subscribe_emails(scope: Construct, topic: sns.Topic, emails: tuple[EmailSubscriber, ...]) -> None:
    for index, email in enumerate(emails):
        # L1: the L2 SubscriptionFilter cannot express $or / exists, which alarms need.
        sns.CfnSubscription(scope, f"Email{index}", topic_arn=topic.topic_arn, protocol="email",
                            endpoint=email.address,
                            filter_policy=email_filter_policy(email.min_severity) if email.min_severity else None,
                            filter_policy_scope="MessageAttributes" if email.min_severity else None)


def create_slack_notifier(scope: Construct, alerting: Alerting, topic: sns.Topic, key: kms.IKey,
                          log_retention_days: int) -> SlackNotifier | None:
    if alerting.slack_webhook_secret_arn is None:
        return None
    log_group = function_log_group(scope, "SlackLogs", key, log_retention_days)
    role = function_role(scope, "SlackRole", log_group, "pgdrift Slack notifier: reads the webhook secret")
    role.allow(["secretsmanager:GetSecretValue"], [alerting.slack_webhook_secret_arn])
    function_queue = encrypted_queue(scope, "SlackDeadLetterQueue", key)
    delivery_queue = encrypted_queue(scope, "SlackDeliveryDeadLetterQueue", key)
    function = lambda_.Function(
        scope, "SlackFunction",
        description="pgdrift: post alerts to Slack (no VPC: it needs only Secrets Manager and Slack)",
        runtime=RUNTIME, architecture=lambda_.Architecture.ARM_64, handler=contract.SLACK_HANDLER,
        code=lambda_code(cdk.Stack.of(scope), SLACK_REQUIREMENTS), memory_size=256,
        timeout=cdk.Duration.seconds(30), reserved_concurrent_executions=2, role=role.for_function,
        log_group=log_group,
        tracing=lambda_.Tracing.ACTIVE, dead_letter_queue=function_queue, retry_attempts=2,
        environment={contract.ENV_SLACK_SECRET_ARN: alerting.slack_webhook_secret_arn,
                     "POWERTOOLS_SERVICE_NAME": contract.SERVICE_NAME},
    )
    function.node.add_dependency(role.policy)
    role.allow(["sqs:SendMessage"], [function_queue.queue_arn])
    role.allow(["kms:GenerateDataKey", "kms:Decrypt"], [key.key_arn])  # the DLQ is encrypted with it
    # Messages SNS cannot hand to Lambda at all (throttled for too long) land in the delivery queue.
    # Only pgdrift's own messages (they carry the severity attribute): the notifier renders those
    # and would fail on CloudWatch alarm notifications, which go to the email subscribers.
    topic.add_subscription(subscriptions.LambdaSubscription(
        function, dead_letter_queue=delivery_queue,
        filter_policy={SEVERITY_ATTRIBUTE: sns.SubscriptionFilter.exists_filter()}))
    return SlackNotifier(function, (function_queue, delivery_queue))
