"""Monitor Lambda entry point: validate the event, run `pgdrift.monitor.run_monitor`, emit metrics.

Events: a schedule's constant input `{"target": "prod"}`, or on demand
`{"target": "prod", "mode": "check" | "snapshot", "notify": true | false}`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import BaseModel, Field, ValidationError, parse
from pydantic import ConfigDict

from pgdrift.contract import ENV_TOPIC_ARN, METRICS_NAMESPACE, SERVICE_NAME
from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.monitor import RunContext, RunRequest, RunResult, report_failure, run_monitor
from pgdrift.settings import MonitorSettings, parse_settings

logger = Logger(service=SERVICE_NAME)
# Tracer loads the X-Ray SDK (and botocore) at once; skip it entirely when tracing is off.
TRACING = os.environ.get("POWERTOOLS_TRACE_DISABLED", "").lower() not in ("1", "true")
tracer = Tracer(service=SERVICE_NAME) if TRACING else None
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)
_UNITS = {"SnapshotDurationMs": MetricUnit.Milliseconds, "Success": MetricUnit.Count}


class MonitorEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: str = Field(min_length=1, max_length=63)
    mode: Literal["check", "snapshot"] = "check"
    notify: bool = True


@cache
def runtime() -> tuple[MonitorSettings, Any, Any]:
    """Settings, store and publisher, built once per container."""
    from pgdrift.aws.s3 import S3Store
    from pgdrift.aws.sns import SnsPublisher

    settings = parse_settings(os.environ)
    publisher = SnsPublisher(settings.topic_arn) if settings.topic_arn else None
    return settings, S3Store(settings.bucket), publisher


def _event_error(error: ValidationError) -> ConfigError:
    problems = "; ".join(f"{'.'.join(str(part) for part in item['loc']) or 'event'}: {item['msg']}"
                         for item in error.errors())
    return ConfigError(f"reading the invocation event: {problems}",
                       'Send {"target": "<name>", "mode": "check"|"snapshot", "notify": true|false}')


def _emit(result: RunResult) -> None:
    metrics.add_dimension(name="target", value=result.record.target)
    for name, value in result.metrics.items():
        metrics.add_metric(name=name, unit=_UNITS.get(name, MetricUnit.Count), value=value)


def _traced(function: Callable[..., Any]) -> Callable[..., Any]:
    return tracer.capture_lambda_handler(capture_response=False)(function) if tracer else function


@logger.inject_lambda_context(log_event=False, clear_state=True)
@_traced
@metrics.log_metrics
def handler(event: Any, context: Any) -> dict[str, Any]:
    run = RunContext(run_id=context.aws_request_id, remaining_ms=context.get_remaining_time_in_millis,
                     region=os.environ.get("AWS_REGION"))
    try:
        settings, store, publisher = runtime()
    except PgDriftError as error:  # no store: alert straight to the topic if we know it
        logger.error("monitor misconfigured", extra={"reason": str(error)})
        _alert_misconfigured(error, run)
        metrics.add_metric(name="Success", unit=MetricUnit.Count, value=0)
        return {"status": "failed", "error": {"category": error.category, "reason": str(error)}}
    try:
        request = parse(event=event, model=MonitorEvent)
    except ValidationError as error:
        name = event.get("target") if isinstance(event, dict) and isinstance(event.get("target"), str) else None
        result = report_failure(_event_error(error), None, name or "(unknown)", store, publisher, run)
    else:
        logger.append_keys(target=request.target)
        result = run_monitor(RunRequest(request.target, request.mode, request.notify), settings, store,
                             publisher, _fetch_credentials, run)
    logger.append_keys(fingerprint=result.record.fingerprint, status=result.record.status)
    if result.ok:
        logger.info("monitor run done", extra={"alert": result.alert, "findings": result.record.findings})
    else:
        logger.error("monitor failed", extra={"reason": result.record.error, "alert": result.alert})
    _emit(result)
    return result.body


def _alert_misconfigured(error: PgDriftError, run: RunContext) -> None:
    from pgdrift.alerting import notify_failure
    from pgdrift.aws.sns import SnsPublisher

    topic = os.environ.get(ENV_TOPIC_ARN)
    if topic:
        SnsPublisher(topic).publish(notify_failure(error, "(all targets)", run.run_id, run.now.isoformat()))


def _fetch_credentials(target: Any) -> Any:
    from pgdrift.aws.secrets import fetch_credentials

    return fetch_credentials(target)
