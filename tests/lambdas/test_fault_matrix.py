"""The fault matrix (issue 12): every fault the monitor can meet, run healthy -> faulted twice -> healthy.

For each fault, against moto and a real PostgreSQL 18: the faulted runs send exactly one
"monitor failed" alert, the healed run one "resolved"; every run leaves its record in S3 (where
S3 itself works); and the database password appears in no log line, S3 object, SNS message or
answer. A bucket that is gone cannot hold the alert state: those runs page through the
StateStoreErrors metric and its alarm instead (tested below and in tests/infra).
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aws_lambda_powertools.utilities import parameters

from pgdrift.catalog.connect import parse_dsn
from tests.lambdas.world import (
    BUCKET,
    EXPECTED_KEY,
    MigrationLock,
    Silent,
    SlowProxy,
    World,
    attributes,
    closed_port,
)
from tests.support import execute

Step = Callable[[World], Any]


@dataclass(frozen=True)
class Fault:
    inject: Step  # returns what heal needs
    heal: Callable[[World, Any], None]
    category: str
    remaining_ms: int = 60_000


def _sql(inject: str, heal: str, category: str) -> Fault:
    """SQL run as the superuser in the target's database (CONNECT and roles are server-wide)."""
    return Fault(lambda world: execute(_admin(world), inject.format(**_names(world))),
                 lambda world, _: execute(_admin(world), heal.format(**_names(world))), category)


def _admin(world: World) -> str:
    return world.server.dsn_for(parse_dsn(world.dsn).database)


def _names(world: World) -> dict[str, str]:
    database = parse_dsn(world.dsn).database
    return {"role": world.role, "database": database, "database_qualified_version": "public.alembic_version"}


def _silent(world: World) -> Silent:
    silent = Silent()
    world.set_secret(port=silent.port)
    return silent


def _heal_silent(world: World, silent: Silent) -> None:
    silent.close()
    world.set_secret()


def _slow(world: World) -> SlowProxy:
    proxy = SlowProxy(world.server.embedded.port, 0.4)  # type: ignore[union-attr]
    world.set_secret(port=proxy.port)
    return proxy


def _heal_slow(world: World, proxy: SlowProxy) -> None:
    proxy.close()
    world.set_secret()


def _lock(world: World) -> MigrationLock:
    return MigrationLock(world.dsn, seconds=None)


def _artifact(body: Callable[[bytes], bytes | None], category: str = "corrupt_artifact") -> Fault:
    def inject(world: World) -> bytes:
        original = world.get(EXPECTED_KEY)
        changed = body(original)
        if changed is None:
            world.s3.delete_object(Bucket=BUCKET, Key=EXPECTED_KEY)
        else:
            world.s3.put_object(Bucket=BUCKET, Key=EXPECTED_KEY, Body=changed)
        return original

    return Fault(inject, lambda world, original: world.s3.put_object(Bucket=BUCKET, Key=EXPECTED_KEY, Body=original),
                 category)


def _other_format(original: bytes) -> bytes:
    """The ledger as a newer pgdrift would write it (format 1, before issue 15, is still read)."""
    from pgdrift.migrations.ledger import LEDGER_FORMAT_VERSION

    document = json.loads(gzip.decompress(original))
    document["format_version"] = LEDGER_FORMAT_VERSION + 1
    return gzip.compress(json.dumps(document).encode())


def _secret_scheduled_for_deletion(world: World) -> None:
    world.secrets.delete_secret(SecretId=world.secret_arn, RecoveryWindowInDays=7)


FAULTS: dict[str, Fault] = {
    "database down": Fault(lambda world: world.set_secret(port=closed_port()), lambda world, _: world.set_secret(),
                           "connection"),
    "wrong password": Fault(lambda world: world.set_secret(password="not-it"), lambda world, _: world.set_secret(),
                            "authentication"),
    "missing CONNECT": _sql("REVOKE CONNECT ON DATABASE {database} FROM PUBLIC",
                            "GRANT CONNECT ON DATABASE {database} TO PUBLIC", "permission"),
    "role at its connection limit": _sql("ALTER ROLE {role} CONNECTION LIMIT 0",
                                         "ALTER ROLE {role} CONNECTION LIMIT -1",
                                         "connection_limit"),
    "hung server": Fault(_silent, _heal_silent, "timeout", remaining_ms=7_000),
    "a migration's lock held": Fault(_lock, lambda world, lock: lock.release(), "lock"),
    # every reply 0.4 s late: quick enough per statement, too slow for the Lambda's time in all
    "a slow link": Fault(_slow, _heal_slow, "timeout", remaining_ms=8_000),
    "corrupt ledger": _artifact(lambda original: b"\x1f\x8b truncated"),
    "missing ledger": _artifact(lambda original: None, "missing_artifact"),
    "ledger of another format version": _artifact(_other_format),
    "secret missing a key": Fault(lambda world: world.set_secret(password=None), lambda world, _: world.set_secret(),
                                  "config"),
    "secret not JSON": Fault(lambda world: world.secrets.put_secret_value(SecretId=world.secret_arn,
                                                                          SecretString="host=db password=x"),
                             lambda world, _: world.set_secret(), "config"),
    "secret scheduled for deletion": Fault(_secret_scheduled_for_deletion,
                                           lambda world, _: world.secrets.restore_secret(SecretId=world.secret_arn),
                                           "secret"),
}


LEDGER_FAULTS: dict[str, Fault] = {
    # A database on a revision the ledger does not know (another project's ledger, or one older
    # than the database): every applied migration would read as drift
    "ledger of another project": _sql("UPDATE {database_qualified_version} SET version_num = 'f00dfeed'",
                                      "UPDATE {database_qualified_version} SET version_num = 'l004'",
                                      "unknown_revision"),
    "alembic_version not readable": _sql("REVOKE SELECT ON {database_qualified_version} FROM {role}",
                                         "GRANT SELECT ON {database_qualified_version} TO {role}", "permission"),
}


@pytest.fixture
def ledger_world(world: World) -> Iterator[World]:
    """The target's database at the head of the `linear` project, checked against its ledger."""
    from pgdrift.migrations import ledger as ledger_module
    from tests.alembic_projects.support import build, migrated

    live = migrated(world.server, "linear", "head")
    database = parse_dsn(live).database
    execute(live, f"GRANT SELECT ON alembic_version TO {world.role}")
    world.set_secret(dbname=database)
    world.dsn = live
    world.s3.put_object(Bucket=BUCKET, Key=EXPECTED_KEY, Body=ledger_module.dumps(build(world.server, "linear")))
    try:
        yield world
    finally:
        world.server.drop_database(database)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    from pgdrift.monitor import run as monitor
    # Locks and connection limits are waited out with pauses of seconds; a tenth here.
    monkeypatch.setattr(monitor, "LOCK_RETRY_PAUSES_S", (0.1, 0.1))


def scheduled(world: World, remaining_ms: int = 60_000) -> dict[str, Any]:
    """A scheduled run in a new container: hourly runs rarely find a warm one, and a warm one reads
    a changed secret once its own fails (tested below)."""
    parameters.base.DEFAULT_PROVIDERS.clear()
    return world.invoke({"target": "prod", "trigger": "schedule"}, remaining_ms=remaining_ms)


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_fault_alerts_once_and_resolves_once(world: World, name: str, quick_retries: None,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    run_fault_matrix(world, FAULTS[name], capfd)


@pytest.mark.parametrize("name", list(LEDGER_FAULTS))
def test_a_ledger_fault_alerts_once_and_resolves_once(ledger_world: World, name: str,
                                                      capfd: pytest.CaptureFixture[str]) -> None:
    run_fault_matrix(ledger_world, LEDGER_FAULTS[name], capfd)


def run_fault_matrix(world: World, fault: Fault, capfd: pytest.CaptureFixture[str]) -> None:
    answers = []
    # Given a healthy target
    answers.append(scheduled(world))
    assert answers[-1]["status"] == "clean" and answers[-1]["alert"] is None
    # When the fault strikes two scheduled runs
    token = fault.inject(world)
    try:
        for _ in range(2):
            answers.append(scheduled(world, fault.remaining_ms))
    finally:
        fault.heal(world, token)
    # And the next run is healthy again
    answers.append(scheduled(world))

    # Then both faulted runs failed with the fault's category, and named what to do
    for failed in answers[1:3]:
        assert failed["status"] == "failed", failed
        assert failed["error"]["category"] == fault.category
        assert failed["error"]["remedy"]
    assert answers[3]["status"] == "clean"
    # One "monitor failed" alert, then one "resolved"
    messages = world.messages()
    assert [attributes(envelope)["status"] for envelope in messages] == ["failed", "resolved"]
    assert [answer["alert"] for answer in answers] == [None, "failed", None, "resolved"]
    # Every run has its record
    records = [json.loads(world.get(key)) for key in world.keys("runs/target=prod/")]
    assert sorted(record["status"] for record in records) == ["clean", "clean", "failed", "failed"]
    # And the password is nowhere
    captured = capfd.readouterr()
    everything = captured.out + captured.err + world.all_text() + json.dumps(answers) + json.dumps(messages)
    assert world.password not in everything


def test_a_bucket_that_is_gone_pages_through_its_alarm_not_on_every_run(
        world: World, capfd: pytest.CaptureFixture[str]) -> None:
    # Given a healthy target, then a bucket deleted (its objects kept aside to put back)
    assert world.invoke({"target": "prod", "trigger": "schedule"})["alert"] is None
    saved = {key: world.get(key) for key in world.keys("")}
    for key in saved:
        world.s3.delete_object(Bucket=BUCKET, Key=key)
    world.s3.delete_bucket(Bucket=BUCKET)
    capfd.readouterr()
    # When two runs meet it
    faulted = [world.invoke({"target": "prod", "trigger": "schedule"}) for _ in range(2)]
    output = capfd.readouterr().out
    # Then they fail naming the bucket, publish nothing (every run would page), and report the
    # StateStoreErrors metric without a target dimension, which the stack's alarm watches
    assert all(answer["status"] == "failed" and answer["alert"] is None for answer in faulted), faulted
    assert "NoSuchBucket" in faulted[0]["error"]["reason"] and "state_store_error" in faulted[0]
    assert world.messages() == []
    state_metrics = [json.loads(line) for line in output.splitlines() if '"StateStoreErrors"' in line]
    assert len(state_metrics) == 2
    assert all(metric["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]] for metric in state_metrics)
    assert all(metric["StateStoreErrors"] in (1.0, [1.0]) for metric in state_metrics)
    # When the bucket is back: the run is clean and sends nothing (the alarm's OK says resolved)
    world.s3.create_bucket(Bucket=BUCKET)
    for key, body in saved.items():
        world.s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    healed = world.invoke({"target": "prod", "trigger": "schedule"})
    assert healed["status"] == "clean" and healed["alert"] is None and world.messages() == []
    assert world.password not in output + json.dumps(faulted)


def test_a_rotated_password_is_fetched_again_instead_of_paging(world: World) -> None:
    # Given a warm container that cached the secret
    assert world.invoke({"target": "prod"})["status"] == "clean"
    # When the secret is rotated (the database's password and the secret both change)
    world.password = f"pw-{os.urandom(8).hex()}"
    execute(world.server.admin_dsn, f"ALTER ROLE {world.role} PASSWORD '{world.password}'")
    world.set_secret()
    # Then the run fails to log in with the cached one, fetches the secret again, and goes on
    result = world.invoke({"target": "prod"})
    assert result["status"] == "clean", result.get("error")
    assert world.messages() == []


@pytest.mark.parametrize("runs", [2, 4])
def test_concurrent_runs_share_a_connection_limit_of_three(world: World, quick_retries: None, runs: int) -> None:
    import threading

    from pgdrift.aws.s3 import S3Store
    from pgdrift.aws.sns import SnsPublisher
    from pgdrift.monitor import run as monitor
    from pgdrift.monitor.settings import parse_settings
    from tests.lambdas.world import FakeContext

    # Given a role that may hold 3 connections, and a snapshot that takes 2 (both readers)
    execute(world.server.admin_dsn, f"ALTER ROLE {world.role} CONNECTION LIMIT 3")
    execute(world.dsn, "CREATE INDEX providers_name_idx ON providers (full_name)")
    settings = parse_settings(os.environ)
    store, publisher = S3Store(BUCKET, world.s3), SnsPublisher(os.environ["PGDRIFT_TOPIC_ARN"])
    results: list[Any] = [None] * runs

    def run(index: int) -> None:
        from lambdas.monitor.handler import _fetch_credentials

        context = FakeContext()
        results[index] = monitor.run_monitor(
            monitor.RunRequest("prod"), settings, store, publisher, _fetch_credentials,
            monitor.RunContext(context.aws_request_id, context.get_remaining_time_in_millis))

    # When they start at once
    threads = [threading.Thread(target=run, args=(index,)) for index in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every run read the schema (those that met the limit waited), and drift alerted once
    assert [result.record.status for result in results] == ["drift"] * runs, [r.body.get("error") for r in results]
    assert [attributes(envelope)["status"] for envelope in world.messages()] == ["drift"]


def test_with_exactly_the_reserve_left_the_run_fails_fast_instead_of_disabling_the_timeout() -> None:
    from pgdrift.errors import QueryTimeout
    from pgdrift.monitor.run import MIN_DATABASE_BUDGET_MS, RESERVE_MS, connect_options
    from pgdrift.monitor.settings import DbCredentials, Target, Tls

    credentials = DbCredentials("db", 5432, "monitor", "app", "pw")
    target = Target("prod", "arn", None, Tls("require", None))
    for remaining in (RESERVE_MS, RESERVE_MS + MIN_DATABASE_BUDGET_MS, RESERVE_MS + 1_400):
        with pytest.raises(QueryTimeout, match="Raise the function's timeout"):
            connect_options(credentials, target, remaining)
    options = connect_options(credentials, target, RESERVE_MS + 1_600)
    assert options.statement_timeout_ms >= 500 and options.connect_timeout >= 1


def test_an_unexpected_error_logs_its_traceback_without_its_message(
        world: World, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    from pgdrift.monitor import run as monitor
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"a bug that quotes what it was given: {world.password}")

    monkeypatch.setattr(monitor, "store_snapshot", broken)
    result = world.invoke({"target": "prod"})
    assert result["status"] == "failed" and "unexpected RuntimeError" in result["error"]["reason"]
    assert "the function's logs have the traceback" in result["error"]["remedy"]
    output = capfd.readouterr()
    logged = output.out + output.err
    assert "Traceback ends in RuntimeError" in logged and 'in run_check' in logged and "broken" in logged
    assert world.password not in logged + json.dumps(result) + world.all_text()


def test_iam_authentication_signs_a_token_for_the_secret_s_user(aws_env: None) -> None:
    import boto3
    from moto import mock_aws

    from pgdrift.aws.secrets import fetch_credentials
    from pgdrift.errors import ConfigError
    from pgdrift.monitor.settings import parse_settings

    with mock_aws():
        secret = {"host": "prod.abc.eu-west-1.rds.amazonaws.com", "port": 5432, "username": "pgdrift_monitor",
                  "dbname": "app"}  # no password: IAM authentication
        arn = boto3.client("secretsmanager").create_secret(Name="iam", SecretString=json.dumps(secret))["ARN"]
        settings = parse_settings({"PGDRIFT_BUCKET": "b", "PGDRIFT_TARGETS": json.dumps([
            {"name": "prod", "secret_arn": arn, "auth": "iam", "region": "eu-west-1", "tls": {"mode": "require"}}])})
        credentials = fetch_credentials(settings.target("prod"))
    # The password is a SigV4-presigned connect request for that host, port, user and region
    token = credentials.password
    assert token.startswith("prod.abc.eu-west-1.rds.amazonaws.com:5432/?Action=connect&DBUser=pgdrift_monitor")
    assert "X-Amz-Signature=" in token and "eu-west-1%2Frds-db%2Faws4_request" in token
    assert "token" not in repr(credentials) and token not in repr(credentials)
    # IAM authentication needs TLS: a plaintext IAM target is refused when the settings are read
    with pytest.raises(ConfigError, match="IAM database authentication needs TLS"):
        parse_settings({"PGDRIFT_BUCKET": "b", "PGDRIFT_TARGETS": json.dumps([
            {"name": "prod", "secret_arn": "arn", "auth": "iam", "allow_plaintext": True}])})
