"""The monitor's metrics through Powertools' EMF logger: per target, but StateStoreErrors per stack."""

from __future__ import annotations

from collections.abc import Mapping

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from pgdrift import contract

_UNITS = {"SnapshotDurationMs": MetricUnit.Milliseconds}


def emit(metrics: Metrics, target: str, values: Mapping[str, float]) -> None:
    """Add a run's metrics with the `target` dimension; StateStoreErrors goes out on its own with
    the `service` dimension only, so one alarm watches the bucket whichever target met it."""
    metrics.add_dimension(name="target", value=target)
    for name, value in values.items():
        if name == contract.METRIC_STATE_STORE_ERRORS:
            with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=contract.METRICS_NAMESPACE,
                               default_dimensions={"service": contract.SERVICE_NAME}):
                pass
        else:
            metrics.add_metric(name=name, unit=_UNITS.get(name, MetricUnit.Count), value=value)
