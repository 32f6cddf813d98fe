"""Monitor Lambda entry point: validate the event, run `pgdrift.monitor.run_monitor`, emit metrics.

Events: a schedule's constant input `{"target": "prod", "trigger": "schedule"}`, or on demand
`{"target": "prod", "mode": "check" | "snapshot", "notify": true | false}`. An on-demand event
that is malformed or names an unknown target is answered with `"status": "rejected"` and pages
no one; a scheduled one is a broken deployment and alerts (once).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from functools import cache
from typing import Any, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.parser import BaseModel, Field, ValidationError, parse
from pydantic import ConfigDict

from pgdrift.contract import (
    ENV_BUCKET,
    ENV_TOPIC_ARN,
    METRIC_STATE_STORE_ERRORS,
    METRICS_NAMESPACE,
    SCHEDULE_TRIGGER,
    SERVICE_NAME,
)
from pgdrift.errors import ConfigError, PgDriftError, bounded
from pgdrift.monitor import (
    RunContext,
    RunRequest,
    RunResult,
    reject_request,
    report_failure,
    report_misconfigured,
    resolve_misconfigured,
    run_monitor,
)
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
    trigger: Literal["schedule", "on_demand"] = "on_demand"


@cache
def runtime() -> tuple[MonitorSettings, Any, Any]:
    """Settings, store and publisher, built once per container."""
    settings = parse_settings(os.environ)
    return settings, _store(settings.bucket), _publisher(settings.topic_arn)


_CHECKED: weakref.WeakSet[Any] = weakref.WeakSet()  # stores whose "settings broken" state was looked at


def settings_checked(store: Any, publisher: Any, run: RunContext) -> None:
    """Once per container whose settings parse: resolve an earlier "settings broken" alert."""
    if store in _CHECKED:
        return
    try:
        resolve_misconfigured(store, publisher, run)
    except PgDriftError as error:  # the check itself goes on; the next container tries again
        logger.warning("could not resolve the earlier settings alert", extra={"reason": str(error)})
    else:
        _CHECKED.add(store)


def _store(bucket: str | None) -> Any:
    from pgdrift.aws.s3 import S3Store

    return S3Store(bucket) if bucket else None


def _publisher(topic_arn: str | None) -> Any:
    from pgdrift.aws.sns import SnsPublisher

    return SnsPublisher(topic_arn) if topic_arn else None


def _event_error(error: ValidationError) -> ConfigError:
    problems = "; ".join(f"{'.'.join(str(part) for part in item['loc']) or 'event'}: {item['msg']}"
                         for item in error.errors())
    return ConfigError(f"reading the invocation event: {problems}",
                       'Send {"target": "<name>", "mode": "check"|"snapshot", "notify": true|false}')


def _emit(result: RunResult) -> None:
    metrics.add_dimension(name="target", value=result.record.target)
    for name, value in result.metrics.items():
        if name == METRIC_STATE_STORE_ERRORS:  # one alarm for the bucket, whichever target met it
            with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=METRICS_NAMESPACE,
                               default_dimensions={"service": SERVICE_NAME}):
                pass
        else:
            metrics.add_metric(name=name, unit=_UNITS.get(name, MetricUnit.Count), value=value)


def _traced(function: Callable[..., Any]) -> Callable[..., Any]:
    return tracer.capture_lambda_handler(capture_response=False)(function) if tracer else function


@logger.inject_lambda_context(log_event=False, clear_state=True)
@_traced
@metrics.log_metrics
def handler(event: Any, context: Any) -> dict[str, Any]:
    run = RunContext(run_id=context.aws_request_id, remaining_ms=context.get_remaining_time_in_millis,
                     region=os.environ.get("AWS_REGION"))
    scheduled = isinstance(event, dict) and event.get("trigger") == SCHEDULE_TRIGGER
    requested = str(event["target"]) if isinstance(event, dict) and isinstance(event.get("target"), str) else ""
    try:
        settings, store, publisher = runtime()
    except PgDriftError as error:  # no settings: the `_settings` alert state, if there is a bucket
        result = report_misconfigured(error, _store(os.environ.get(ENV_BUCKET)),
                                      _publisher(os.environ.get(ENV_TOPIC_ARN)), run)
    else:
        settings_checked(store, publisher, run)
        try:
            request = parse(event=event, model=MonitorEvent)
        except ValidationError as error:
            result = (report_failure(_event_error(error), None, requested, store, publisher, run) if scheduled
                      else reject_request(_event_error(error), requested, store, run))
        else:
            logger.append_keys(target=request.target)
            result = run_monitor(RunRequest(request.target, request.mode, request.notify, scheduled), settings,
                                 store, publisher, _fetch_credentials, run)
    logger.append_keys(fingerprint=result.record.fingerprint, status=result.record.status)
    if result.ok:
        logger.info("monitor run done", extra={"alert": result.alert, "findings": result.record.findings})
    elif result.record.status == "rejected":
        logger.warning("invocation rejected", extra={"reason": result.record.error, "requested": bounded(requested)})
    else:
        logger.error("monitor failed", extra={"reason": result.record.error, "alert": result.alert,
                                              "requested": bounded(requested)})
    _emit(result)
    return result.body


def _fetch_credentials(target: Any, refresh: bool = False) -> Any:
    from pgdrift.aws.secrets import fetch_credentials

    return fetch_credentials(target, refresh=refresh)
