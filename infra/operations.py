"""CloudWatch alarms into the alert topic and a small dashboard per target.

Metric names are the ones the monitor emits with Powertools (pgdrift.monitor.run: `Success`,
`Findings<Severity>`, `LagDays`, `SnapshotDurationMs`), in namespace `pgdrift`, with the
dimensions Powertools adds (`service`) plus `target`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.config import DeployConfig, Target
from pgdrift import contract
from pgdrift.compare.findings import SEVERITIES

METRIC_SUCCESS = "Success"
METRIC_LAG_DAYS = "LagDays"
METRIC_SNAPSHOT_MS = "SnapshotDurationMs"
MAX_ALARM_PERIOD_MINUTES = 1440  # the longest alarm period CloudWatch accepts
HEARTBEAT_PERIODS = 2  # "no successful run for 2 schedule periods"


def findings_metric_name(severity: str) -> str:
    return f"Findings{severity.title()}"


def target_metric(target: Target, name: str, statistic: str, period: cdk.Duration) -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace=contract.METRICS_NAMESPACE, metric_name=name, statistic=statistic,
                             period=period,
                             dimensions_map={"service": contract.SERVICE_NAME, "target": target.name})


def _alarm(scope: Construct, construct_id: str, topic: sns.ITopic, **props: object) -> cloudwatch.Alarm:
    alarm = cloudwatch.Alarm(scope, construct_id, **props)  # type: ignore[arg-type]
    alarm.add_alarm_action(actions.SnsAction(topic))
    alarm.add_ok_action(actions.SnsAction(topic))
    return alarm


def create_function_alarms(scope: Construct, label: str, function: lambda_.IFunction, topic: sns.ITopic) -> None:
    five_minutes = cdk.Duration.minutes(5)
    _alarm(scope, f"{label}Errors", topic, metric=function.metric_errors(period=five_minutes),
           threshold=1, evaluation_periods=1,
           comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
           treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
           alarm_description=f"pgdrift {label} function failed (see its log group)")
    _alarm(scope, f"{label}Throttles", topic, metric=function.metric_throttles(period=five_minutes),
           threshold=1, evaluation_periods=1,
           comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
           treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
           alarm_description=f"pgdrift {label} function throttled: stagger the schedules, or raise its reserved "
                             "concurrency (the monitor's only with the roles' connection_limit; see docs/deploying.md)")


def create_queue_alarms(scope: Construct, queues: Sequence[tuple[str, sqs.IQueue]], topic: sns.ITopic) -> None:
    for label, queue in queues:
        _alarm(scope, f"{label}Depth", topic,
               metric=queue.metric_approximate_number_of_messages_visible(period=cdk.Duration.minutes(5),
                                                                          statistic="Maximum"),
               threshold=1, evaluation_periods=1,
               comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
               treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
               alarm_description=f"pgdrift {label}: undelivered events are waiting; inspect and redrive")


def heartbeat_window(schedule_minutes: int) -> tuple[int, int]:
    """(alarm period in minutes, evaluation periods) spanning two schedule periods. Schedules
    rarer than daily use one-day periods, as many as two schedule periods need (at most 6)."""
    if schedule_minutes <= MAX_ALARM_PERIOD_MINUTES:
        return schedule_minutes, HEARTBEAT_PERIODS
    return MAX_ALARM_PERIOD_MINUTES, math.ceil(HEARTBEAT_PERIODS * schedule_minutes / MAX_ALARM_PERIOD_MINUTES)


def create_heartbeat_alarm(scope: Construct, target: Target, topic: sns.ITopic) -> cloudwatch.Alarm:
    """No successful run for two schedule periods; no data at all counts as missed."""
    period_minutes, periods = heartbeat_window(target.schedule.period_minutes)
    return _alarm(scope, f"Heartbeat-{target.name}", topic,
                  metric=target_metric(target, METRIC_SUCCESS, "Sum", cdk.Duration.minutes(period_minutes)),
                  threshold=1, evaluation_periods=periods, datapoints_to_alarm=periods,
                  comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                  treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
                  alarm_description=f"pgdrift has not checked {target.name} successfully for "
                                    f"{HEARTBEAT_PERIODS} schedule periods")


def create_state_store_alarm(scope: Construct, schedule_minutes: int, topic: sns.ITopic) -> cloudwatch.Alarm:
    """The alert state's stand-in while S3 is unusable (issue 12): runs that cannot read or write
    state/ publish nothing and emit StateStoreErrors instead. This alarm pages on the first such run
    and says OK only after three clean periods of the most frequent schedule, so a flapping bucket
    pages once."""
    period = min(schedule_minutes, MAX_ALARM_PERIOD_MINUTES)
    metric = cloudwatch.Metric(namespace=contract.METRICS_NAMESPACE, metric_name=contract.METRIC_STATE_STORE_ERRORS,
                               statistic="Maximum", period=cdk.Duration.minutes(period),
                               dimensions_map={"service": contract.SERVICE_NAME})
    return _alarm(scope, "StateStoreUnusable", topic, metric=metric, threshold=1, evaluation_periods=3,
                  datapoints_to_alarm=1,
                  comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                  treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                  alarm_description="pgdrift cannot use its bucket's alert state (state/): no drift or failure "
                                    "alerts are sent until it can. Check the bucket exists and the monitor's role "
                                    "may read and write it (see docs/monitor.md, 'When things fail')")


def create_dashboard(scope: Construct, config: DeployConfig, target: Target) -> cloudwatch.Dashboard:
    period = cdk.Duration.minutes(min(target.schedule.period_minutes, MAX_ALARM_PERIOD_MINUTES))
    dashboard = cloudwatch.Dashboard(scope, f"Dashboard-{target.name}",
                                     dashboard_name=f"{config.stack_name}-{target.name}")
    dashboard.add_widgets(
        cloudwatch.GraphWidget(title="Findings by severity", stacked=True, width=8, left=[
            target_metric(target, findings_metric_name(severity), "Maximum", period) for severity in SEVERITIES]),
        cloudwatch.GraphWidget(title="Migration lag (days)", width=8,
                               left=[target_metric(target, METRIC_LAG_DAYS, "Maximum", period)]),
        cloudwatch.GraphWidget(title="Snapshot duration (ms)", width=8,
                               left=[target_metric(target, METRIC_SNAPSHOT_MS, "Maximum", period)]),
    )
    return dashboard
