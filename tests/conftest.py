"""Shared fixtures: real PostgreSQL servers (16 and 18, plus PGDRIFT_TEST_DSN if set)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support import TestServer, external_server, start_test_server

SERVER_LABELS = ["pg16", "pg18"] + (["external"] if os.environ.get("PGDRIFT_TEST_DSN") else [])


@pytest.fixture(scope="session")
def _servers() -> Iterator[dict[str, TestServer]]:
    started: dict[str, TestServer] = {}
    yield started
    for server in started.values():
        if server.embedded is not None:
            server.embedded.stop()


def _get_server(servers: dict[str, TestServer], label: str) -> TestServer:
    if label not in servers:
        if label == "external":
            server = external_server()
            assert server is not None
            servers[label] = server
        else:
            servers[label] = start_test_server(int(label.removeprefix("pg")))
    return servers[label]


@pytest.fixture(params=SERVER_LABELS)
def server(request: pytest.FixtureRequest, _servers: dict[str, TestServer]) -> TestServer:
    """Each test using this runs once per server: PostgreSQL 16, 18 (and the external one)."""
    return _get_server(_servers, request.param)


@pytest.fixture
def pg16(_servers: dict[str, TestServer]) -> TestServer:
    return _get_server(_servers, "pg16")


@pytest.fixture
def pg18(_servers: dict[str, TestServer]) -> TestServer:
    return _get_server(_servers, "pg18")
