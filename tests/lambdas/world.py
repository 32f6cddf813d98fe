"""The monitor's world for the Lambda tests: moto (S3, SNS -> SQS, Secrets Manager) and a real
PostgreSQL database that the `prod` target points at, plus the faults the tests inject (a hung
server, a slow link, a migration's lock)."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import jsonschema
import pytest
from moto import mock_aws

from demo.monitor import DemoContext as FakeContext
from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import read_snapshot
from pgdrift.schema import snapshot_io
from tests.drift_support import report_schema, validate_answer, validate_run_record
from tests.support import TestServer, connect, execute

SCHEMA = """
CREATE TABLE providers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, npi text NOT NULL UNIQUE,
                        full_name text NOT NULL);
CREATE TABLE licenses (id bigint PRIMARY KEY, provider_id bigint NOT NULL REFERENCES providers (id),
                       state char(2) NOT NULL);
CREATE INDEX providers_full_name ON providers (full_name);  -- its definition is read with a lock
"""
BUCKET = "pgdrift-history"
EXPECTED_KEY = "expected/prod/snapshot.json.gz"


@dataclass
class World:
    """The AWS side (moto) and the database the `prod` target points at."""

    server: TestServer
    dsn: str
    role: str
    password: str
    s3: Any
    sqs: Any
    secrets: Any
    queue_url: str
    secret_arn: str

    def invoke(self, event: Any, request_id: str | None = None, remaining_ms: int = 60_000) -> dict[str, Any]:
        from lambdas.monitor import handler

        # Powertools binds its log stream at import; point it at this test's (captured) stdout.
        handler.logger.registered_handler.stream = sys.stdout  # type: ignore[attr-defined]
        context = FakeContext(remaining_ms=remaining_ms)
        if request_id:
            context.aws_request_id = request_id
        answer: dict[str, Any] = handler.handler(event, context)
        self.validate(answer)
        return answer

    def validate(self, answer: dict[str, Any]) -> None:
        """Issue 15's one contract: the answer, the run record and the JSON report it stored each
        validate against their schema (pgdrift/schemas/)."""
        validate_answer(answer)
        stored = answer.get("s3") or {}
        if stored.get("record"):
            record = validate_run_record(self.get(stored["record"]))
            assert validate_run_record(self.get(f"latest/{record['target']}.json")) == record
        if "json" in stored.get("reports", {}):
            jsonschema.validate(json.loads(self.get(stored["reports"]["json"])), report_schema())

    def messages(self) -> list[dict[str, Any]]:
        """SNS envelopes delivered to the queue since the last call."""
        found: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def keys(self, prefix: str) -> list[str]:
        listing = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", ()))

    def get(self, key: str) -> bytes:
        return bytes(self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())

    def set_secret(self, **changes: Any) -> None:
        value = {"host": "127.0.0.1", "port": self.server.embedded.port, "username": self.role,  # type: ignore[union-attr]
                 "password": self.password, "dbname": parse_dsn(self.dsn).database, **changes}
        value = {key: item for key, item in value.items() if item is not None}
        self.secrets.put_secret_value(SecretId=self.secret_arn, SecretString=json.dumps(value))

    def all_text(self) -> str:
        """Every S3 object, decompressed, as text (to look for secrets)."""
        texts = []
        for key in self.keys(""):
            data = self.get(key)
            with contextlib.suppress(OSError):  # the corrupt-artifact case stores broken gzip
                data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            texts.append(data.decode("utf-8", "replace"))
        return "\n".join(texts)


def targets_json(secret_arn: str) -> str:
    return json.dumps([{"name": "prod", "secret_arn": secret_arn, "expected_key": EXPECTED_KEY,
                        "allow_plaintext": True, "alert": {"reminder_hours": 0}}])


def make_world(pg18: TestServer, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    dsn = pg18.create_database(SCHEMA)
    role, password = f"monitor_{os.getpid()}_{parse_dsn(dsn).database}", f"pw-{os.urandom(8).hex()}"
    execute(pg18.admin_dsn, f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    expected = read_snapshot(parse_dsn(dsn))
    with mock_aws():
        s3, sns, sqs = boto3.client("s3"), boto3.client("sns"), boto3.client("sqs")
        secrets = boto3.client("secretsmanager")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key=EXPECTED_KEY,
                      Body=gzip.compress(snapshot_io.dumps(expected).encode("utf-8"), mtime=0))
        topic = sns.create_topic(Name="pgdrift-alerts")["TopicArn"]
        queue_url = sqs.create_queue(QueueName="alerts")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        secret_arn = secrets.create_secret(Name="prod/monitor", SecretString="{}")["ARN"]
        monkeypatch.setenv("PGDRIFT_TARGETS", targets_json(secret_arn))
        monkeypatch.setenv("PGDRIFT_BUCKET", BUCKET)
        monkeypatch.setenv("PGDRIFT_TOPIC_ARN", topic)
        from lambdas.monitor import handler

        handler.runtime.cache_clear()
        result = World(pg18, dsn, role, password, s3, sqs, secrets, queue_url, secret_arn)
        result.set_secret()
        yield result
        handler.runtime.cache_clear()
    pg18.drop_database(parse_dsn(dsn).database)
    execute(pg18.admin_dsn, f"DROP ROLE {role}")


def attributes(envelope: dict[str, Any]) -> dict[str, str]:
    return {name: value["Value"] for name, value in envelope["MessageAttributes"].items()}



class Silent:
    """A TCP server that accepts connections and never answers (a hung database)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])



class MigrationLock:
    """A migration in progress: ACCESS EXCLUSIVE on providers, held for `seconds` (or until closed)."""

    def __init__(self, dsn: str, seconds: float | None) -> None:
        self.connection = connect(dsn)
        self.connection.run("BEGIN")
        self.connection.run("LOCK TABLE providers IN ACCESS EXCLUSIVE MODE")
        self.timer = threading.Timer(seconds, self.release) if seconds is not None else None
        if self.timer is not None:
            self.timer.start()

    def release(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.run("ROLLBACK")
            self.connection.close()



class SlowProxy:
    """A TCP proxy to PostgreSQL that holds every server reply for `delay` seconds (a slow link)."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self.upstream_port, self.delay = upstream_port, delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client = self.listener.accept()[0]
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, server, 0.0), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, self.delay), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket, delay: float) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                time.sleep(delay)
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()


