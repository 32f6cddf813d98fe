"""The pgdrift stack: storage, alerting, the monitor in the VPC, schedules, querying and operations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import alerting, nag, network, operations, querying, scheduling, storage
from infra.config import CONTEXT_FILE_KEY, CONTEXT_KEY, DeployConfig, config_from_context
from infra.expected import deploy_expected_artifacts
from infra.monitor import Monitor, create_monitor

POWERTOOLS_ACCOUNT = "017000801446"  # the Powertools for AWS Lambda team's public layer account


class PgDriftStack(cdk.Stack):
    """Everything one configuration deploys; the constructs live in the sibling modules."""

    def __init__(self, scope: Construct, construct_id: str, config: DeployConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, env=cdk.Environment(account=config.account, region=config.region),
                         description="pgdrift: PostgreSQL schema-drift monitor", **kwargs)
        key = storage.create_key(self)
        log_bucket = storage.create_log_bucket(self, config.retention)
        self.bucket = storage.create_data_bucket(self, key, log_bucket, config.retention)
        self.topic = alerting.create_topic(self, key)
        layer = self._powertools_layer(config)
        monitor_network = network.create_network(self, config)
        monitor = create_monitor(self, config, monitor_network, key, self.bucket, self.topic)
        monitor.function.add_layers(layer)
        alerting.restrict_publishers(self.topic, [monitor.role])
        alerting.subscribe_emails(self, self.topic, config.alerting.emails)
        slack = alerting.create_slack_notifier(self, config.alerting, self.topic, key,
                                               config.monitor.log_retention_days)
        if slack is not None:
            slack.function.add_layers(layer)
        schedule_queue = scheduling.create_schedules(self, config, monitor.function, key)
        querying.create_query_resources(self, config, self.bucket, key)
        self._operations(config, monitor, slack, schedule_queue)
        outside_principals = list(config.network.bucket_access_principals)
        if config.expected_artifacts_path:
            upload = deploy_expected_artifacts(self, config.expected_artifacts_path, self.bucket, key,
                                               config.monitor.log_retention_days)
            outside_principals.append(upload.handler_role.role_arn)  # a CDK function outside the VPC
        if config.network.restrict_bucket_to_endpoint:
            assert monitor_network.s3_endpoint_id is not None  # config requires vpc_endpoints for it
            storage.restrict_to_endpoint(self.bucket, monitor_network.s3_endpoint_id, outside_principals)
        cdk.CfnOutput(self, "BucketName", value=self.bucket.bucket_name)
        cdk.CfnOutput(self, "TopicArn", value=self.topic.topic_arn)
        cdk.CfnOutput(self, "MonitorFunctionName", value=monitor.function.function_name)
        cdk.CfnOutput(self, "MonitorRoleArn", value=monitor.role.role_arn,
                      description="trust this role from cross-account target roles (assume_role_arn)")

    def _operations(self, config: DeployConfig, monitor: Monitor, slack: alerting.SlackNotifier | None,
                    schedule_queue: sqs.IQueue) -> None:
        """Alarms into the topic (errors, throttles, DLQ depth, heartbeats) and the dashboards."""
        queues = [("MonitorDeadLetterQueue", monitor.dead_letter_queue), ("ScheduleDeadLetterQueue", schedule_queue)]
        operations.create_function_alarms(self, "Monitor", monitor.function, self.topic)
        if slack is not None:
            operations.create_function_alarms(self, "Slack", slack.function, self.topic)
            queues += [(f"SlackQueue{index}", queue) for index, queue in enumerate(slack.dead_letter_queues)]
        operations.create_queue_alarms(self, queues, self.topic)
        operations.create_state_store_alarm(
            self, min(target.schedule.period_minutes for target in config.targets), self.topic)
        for target in config.targets:
            operations.create_heartbeat_alarm(self, target, self.topic)
            if config.monitor.dashboards:
                operations.create_dashboard(self, config, target)

    def _powertools_layer(self, config: DeployConfig) -> lambda_.ILayerVersion:
        """Powertools comes from its public layer: AWS-maintained, not in our asset (see docs)."""
        arn = (f"arn:{self.partition}:lambda:{self.region}:{POWERTOOLS_ACCOUNT}:layer:"
               f"AWSLambdaPowertoolsPythonV3-python312-arm64:{config.monitor.powertools_layer_version}")
        return lambda_.LayerVersion.from_layer_version_arn(self, "PowertoolsLayer", arn)


def build_app(app: cdk.App, root: Path) -> PgDriftStack:
    """The whole app: the configured stack with cdk-nag checks and acknowledgements applied."""
    context = {key: app.node.try_get_context(key) for key in (CONTEXT_KEY, CONTEXT_FILE_KEY)}
    config = config_from_context(context, root)
    stack = PgDriftStack(app, config.stack_name, config)
    nag.enable_checks(app)
    nag.acknowledge(stack)
    return stack
