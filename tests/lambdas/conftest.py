"""Shared fixtures of the Lambda tests: AWS credentials for moto and a fake LambdaContext."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aws_lambda_powertools.utilities import parameters


@dataclass
class FakeContext:
    """What Powertools and the handlers read from the Lambda context."""

    remaining_ms: int = 60_000
    function_name: str = "pgdrift-monitor"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:pgdrift-monitor"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SECURITY_TOKEN": "testing", "AWS_SESSION_TOKEN": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                        "POWERTOOLS_METRICS_NAMESPACE": "pgdrift", "POWERTOOLS_TRACE_DISABLED": "1",
                        "POWERTOOLS_SERVICE_NAME": "pgdrift"}.items():
        monkeypatch.setenv(name, value)
    # Powertools caches its Secrets Manager client (and the secrets) per process.
    parameters.base.DEFAULT_PROVIDERS.clear()
    yield
    parameters.base.DEFAULT_PROVIDERS.clear()
