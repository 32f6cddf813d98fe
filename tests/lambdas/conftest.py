"""Shared fixtures of the Lambda tests: AWS credentials for moto and a fake LambdaContext."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aws_lambda_powertools.utilities import parameters

from demo.monitor import DemoContext
from tests.lambdas.world import World, make_world
from tests.support import TestServer

# The demo drives the handlers with the same stand-in, so there is one definition of it.
FakeContext = DemoContext


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


@pytest.fixture
def world(pg18: TestServer, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """moto's S3, SNS (read back through SQS) and Secrets Manager, and a database for `prod`."""
    yield from make_world(pg18, aws_env, monkeypatch)
