"""Monitor Lambda entry point: build the runtime once, run `pgdrift.monitor.invocation.invoke`, log, emit metrics.

Events: a schedule's `{"target": "prod", "trigger": "schedule"}`, or on demand
`{"target": "prod", "mode": "check" | "snapshot", "notify": true | false}` (see pgdrift.monitor.invocation).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer

from pgdrift import contract
from pgdrift.aws.metrics import emit
from pgdrift.errors import bounded
from pgdrift.monitor.invocation import Runtime, invoke, requested_target
from pgdrift.monitor.run import RunContext, RunResult
from pgdrift.monitor.settings import parse_settings

logger = Logger(service=contract.SERVICE_NAME)
# Tracer loads the X-Ray SDK (and botocore) at once; skip it entirely when tracing is off.
TRACING = os.environ.get("POWERTOOLS_TRACE_DISABLED", "").lower() not in ("1", "true")
tracer = Tracer(service=contract.SERVICE_NAME) if TRACING else None
metrics = Metrics(namespace=contract.METRICS_NAMESPACE, service=contract.SERVICE_NAME)


@cache
def runtime() -> Runtime:
    """Settings, store and publisher, built once per container."""
    settings = parse_settings(os.environ)
    return Runtime(settings, *_aws(settings.bucket, settings.topic_arn))


def _aws(bucket: str | None, topic_arn: str | None) -> tuple[Any, Any]:
    from pgdrift.aws.s3 import S3Store
    from pgdrift.aws.sns import SnsPublisher

    return S3Store(bucket) if bucket else None, SnsPublisher(topic_arn) if topic_arn else None


def _without_settings() -> tuple[Any, Any]:
    """Settings that do not parse: the bucket and topic as the stack set them, to alert once."""
    return _aws(os.environ.get(contract.ENV_BUCKET), os.environ.get(contract.ENV_TOPIC_ARN))


def _fetch_credentials(target: Any, refresh: bool = False) -> Any:
    from pgdrift.aws.secrets import fetch_credentials

    return fetch_credentials(target, refresh=refresh)


def _log(result: RunResult, event: Any) -> None:
    logger.append_keys(target=result.record.target, fingerprint=result.record.fingerprint,
                       status=result.record.status)
    if result.ok:
        logger.info("monitor run done", extra={"alert": result.alert, "findings": result.record.findings})
    elif result.record.status == "rejected":
        logger.warning("invocation rejected", extra={"reason": result.record.error,
                                                     "requested": bounded(requested_target(event))})
    else:
        logger.error("monitor failed", extra={"reason": result.record.error, "alert": result.alert})


def _traced(function: Any) -> Any:
    return tracer.capture_lambda_handler(capture_response=False)(function) if tracer else function


@logger.inject_lambda_context(log_event=False, clear_state=True)
@_traced
@metrics.log_metrics
def handler(event: Any, context: Any) -> dict[str, Any]:
    run = RunContext(run_id=context.aws_request_id, remaining_ms=context.get_remaining_time_in_millis,
                     region=os.environ.get("AWS_REGION"))
    result = invoke(event, runtime, _without_settings, _fetch_credentials, run)
    _log(result, event)
    emit(metrics, result.record.target, result.metrics)
    return result.body
