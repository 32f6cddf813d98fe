"""One EventBridge Scheduler schedule per target: its time zone, no flexible window, retries and a DLQ."""

from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.common import encrypted_queue
from infra.config import DeployConfig
from pgdrift import contract

RETRY_ATTEMPTS = 2
MAX_EVENT_AGE_SECONDS = 3600  # a check older than an hour is superseded by the next one


def schedule_name(config: DeployConfig, target_name: str) -> str:
    return f"{config.stack_name}-{target_name}"[:64]


def create_schedules(scope: Construct, config: DeployConfig, function: lambda_.IFunction,
                     key: kms.IKey) -> sqs.Queue:
    """The schedules, and the dead-letter queue that receives events the scheduler could not deliver."""
    dead_letter_queue = encrypted_queue(scope, "ScheduleDeadLetterQueue", key)
    role = _scheduler_role(scope, function, dead_letter_queue, key)
    for target in config.targets:
        scheduler.CfnSchedule(
            scope, f"Schedule-{target.name}",
            name=schedule_name(config, target.name),
            description=f"pgdrift check of {target.name}",
            schedule_expression=target.schedule.expression,
            schedule_expression_timezone=target.schedule.time_zone,
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            state="ENABLED",
            target=scheduler.CfnSchedule.TargetProperty(
                arn=function.function_arn, role_arn=role.role_arn,
                input=json.dumps({"target": target.name, "trigger": contract.SCHEDULE_TRIGGER}),
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                    maximum_retry_attempts=RETRY_ATTEMPTS, maximum_event_age_in_seconds=MAX_EVENT_AGE_SECONDS),
                dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(arn=dead_letter_queue.queue_arn),
            ),
        )
    return dead_letter_queue


def _scheduler_role(scope: Construct, function: lambda_.IFunction, dead_letter_queue: sqs.IQueue,
                    key: kms.IKey) -> iam.Role:
    stack = cdk.Stack.of(scope)
    role = iam.Role(scope, "SchedulerRole", description="pgdrift schedules: invoke the monitor",
                    assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com", conditions={
                        "StringEquals": {"aws:SourceAccount": stack.account}}))
    iam.ManagedPolicy(scope, "SchedulerPolicy", roles=[role], statements=[
        iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[function.function_arn]),
        iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[dead_letter_queue.queue_arn]),
        iam.PolicyStatement(actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=[key.key_arn]),
    ])
    return role
