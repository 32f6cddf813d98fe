"""The monitor Lambda end to end: moto (S3, SNS -> SQS, Secrets Manager) + embedded PostgreSQL 18.

The handler is called directly with a fake LambdaContext; what it published is read back from
an SQS queue subscribed to the topic.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from typing import Any

import pytest

from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import read_snapshot
from pgdrift.errors import ConfigError
from pgdrift.monitor.settings import parse_settings
from pgdrift.schema import snapshot_io
from tests.lambdas.world import (
    BUCKET,
    EXPECTED_KEY,
    MigrationLock,
    Silent,
    SlowProxy,
    World,
    attributes,
    closed_port,
    targets_json,
)
from tests.support import execute


def test_drift_lifecycle_alerts_only_on_change(world: World, capfd: pytest.CaptureFixture[str]) -> None:
    # Given a database that already differs from its expected snapshot by one index
    execute(world.dsn, "CREATE INDEX providers_name_idx ON providers (full_name)")

    # When the schedule runs the monitor
    first = world.invoke({"target": "prod"}, request_id="run-1")

    # Then it stored the snapshot, the run record, the reports and the latest pointer, and alerted
    assert first["status"] == "drift" and first["alert"] == "drift"
    assert len(world.keys("snapshots/")) == 1
    assert len(world.keys("runs/target=prod/")) == 1
    assert [key.rsplit(".", 1)[1] for key in world.keys("reports/target=prod/")] == ["html", "json", "md"]
    record = json.loads(world.get("latest/prod.json"))
    assert (record["status"], record["findings"], record["run_id"]) == ("drift", 1, "run-1")
    (envelope,) = world.messages()
    assert attributes(envelope) == {"target": "prod", "severity": record_severity(record), "status": "drift"}
    # issue 15: the subject counts what was found (a snapshot as expected: differences, no ledger)
    assert envelope["Subject"] == "pgdrift prod: 1 difference from the expected schema"
    assert "providers_name_idx" in envelope["Message"]
    assert "Full report: https://s3.console.aws.amazon.com/s3/object/pgdrift-history" in envelope["Message"]

    # When it runs again with nothing changed: a new record, no new snapshot, no alert
    second = world.invoke({"target": "prod"}, request_id="run-2")
    assert second["alert"] is None and second["s3"]["snapshot_created"] is False
    assert len(world.keys("snapshots/")) == 1
    assert len(world.keys("runs/target=prod/")) == 2
    assert world.messages() == []

    # When someone adds a column by hand: an alert that names only the new finding as new
    execute(world.dsn, "ALTER TABLE providers ADD COLUMN nickname text")
    third = world.invoke({"target": "prod"}, request_id="run-3")
    assert third["alert"] == "drift"
    (envelope,) = world.messages()
    new_lines = [line for line in envelope["Message"].splitlines() if "NEW " in line]
    assert len(new_lines) == 1 and "nickname" in new_lines[0]
    assert "New since the last alert: 1" in envelope["Message"]
    assert len(world.keys("snapshots/")) == 2

    # When Lambda retries that same invocation: no second alert
    assert world.invoke({"target": "prod"}, request_id="run-3")["alert"] is None
    assert world.messages() == []

    # When both changes are reverted: "resolved"
    execute(world.dsn, "ALTER TABLE providers DROP COLUMN nickname; DROP INDEX providers_name_idx")
    fourth = world.invoke({"target": "prod"}, request_id="run-4")
    assert (fourth["status"], fourth["alert"]) == ("clean", "resolved")
    (envelope,) = world.messages()
    assert attributes(envelope)["status"] == "resolved"
    assert "Cleared since the last alert: 2" in envelope["Message"]
    assert "  - unexpected column public.providers.nickname" in envelope["Message"]

    # And the password never reached the logs, the bucket or the responses
    captured = capfd.readouterr()
    assert world.password not in captured.out + captured.err
    assert world.password not in world.all_text()
    assert world.password not in json.dumps([first, second, third, fourth])


def record_severity(record: dict[str, Any]) -> str:
    return next(severity for severity, count in record["counts"].items() if count)


def _retarget(monkeypatch: pytest.MonkeyPatch, world: World, **extra: Any) -> None:
    from lambdas.monitor import handler

    targets = json.loads(targets_json(world.secret_arn))
    targets[0].update(extra)
    monkeypatch.setenv("PGDRIFT_TARGETS", json.dumps(targets))
    handler.runtime.cache_clear()


def test_target_waivers_and_severity_overrides_apply(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    execute(world.dsn, "CREATE INDEX providers_name_idx ON providers (full_name); CREATE TABLE scratch (id int)")
    _retarget(monkeypatch, world,
              waivers=[{"pattern": "public.scratch", "reason": "ETL scratch", "owner": "@data",
                        "expires": "2099-01-01"}],
              severity_overrides=[{"pattern": "providers_name_idx", "severity": "critical", "kind": "index"}])
    result = world.invoke({"target": "prod"})
    assert result["summary"]["active"] == 1 and result["summary"]["waived"] == 1
    (envelope,) = world.messages()
    assert attributes(envelope)["severity"] == "critical"
    assert "scratch" not in envelope["Message"].split("Differences (")[1]


def test_on_demand_snapshot_mode_stores_without_alerting(world: World) -> None:
    result = world.invoke({"target": "prod", "mode": "snapshot", "notify": False})
    assert result["status"] == "snapshot"
    assert world.keys("snapshots/") == [result["s3"]["snapshot"]]
    assert world.messages() == []


def test_on_demand_check_returns_the_report_json_and_keys(world: World) -> None:
    result = world.invoke({"target": "prod", "mode": "check", "notify": False})
    assert result["status"] == "clean" and result["alert"] is None
    assert "changes" in result and result["changes"] == []
    assert set(result["s3"]["reports"]) == {"json", "md", "html"}
    assert json.loads(world.get(result["s3"]["reports"]["json"]))["changes"] == []
    assert world.messages() == []



FAILURES: dict[str, tuple[dict[str, Any], Any, str, str]] = {
    "database down": ({"port": "closed"}, {"target": "prod"}, "connection", "connection refused"),
    "wrong password": ({"password": "not-the-password"}, {"target": "prod"}, "authentication",
                       "authentication failed"),
    "secret missing a key": ({"password": None}, {"target": "prod"}, "config", "missing key(s) password"),
    "secret deleted": ({}, {"target": "prod"}, "secret", "ResourceNotFoundException"),
    # A schedule whose input is wrong is a broken deployment: it alerts (on demand, see below, it does not)
    "malformed scheduled event": ({}, {"target": "prod", "mode": "explode", "trigger": "schedule"}, "config",
                                  "reading the invocation event: mode"),
    "scheduled run of an unknown target": ({}, {"target": "staging", "trigger": "schedule"}, "config",
                                           "unknown target 'staging'"),
    "corrupt artifact": ({}, {"target": "prod"}, "corrupt_artifact", "not valid (gzip) JSON"),
    "expected schema of another pgdrift": ({}, {"target": "prod"}, "corrupt_artifact",
                                           "format_version 1 is not supported (this pgdrift reads 2)"),
    "hung database": ({"port": "silent"}, {"target": "prod"}, "timeout", "no answer from 127.0.0.1"),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_failures_alert_monitor_failed_with_reason(world: World, case: str,
                                                   capfd: pytest.CaptureFixture[str]) -> None:
    secret_changes, event, category, reason = FAILURES[case]
    silent = Silent() if secret_changes.get("port") == "silent" else None
    if secret_changes.get("port") == "closed":
        secret_changes = {"port": closed_port()}
    elif silent is not None:
        secret_changes = {"port": silent.port}
    world.set_secret(**secret_changes)
    if case == "secret deleted":
        world.secrets.delete_secret(SecretId=world.secret_arn, ForceDeleteWithoutRecovery=True)
    if case == "corrupt artifact":
        world.s3.put_object(Bucket=BUCKET, Key=EXPECTED_KEY, Body=b"\x1f\x8b truncated")
    if case == "expected schema of another pgdrift":  # written by a pgdrift whose snapshots are format 1
        document = json.loads(gzip.decompress(world.get(EXPECTED_KEY)))
        document["format_version"] = 1
        world.s3.put_object(Bucket=BUCKET, Key=EXPECTED_KEY, Body=gzip.compress(json.dumps(document).encode()))
    try:
        # The hung case gets 7 s of Lambda time left: the connect timeout must fit in it.
        result = world.invoke(event, remaining_ms=7_000 if silent else 60_000)
    finally:
        if silent is not None:
            silent.close()

    assert result["status"] == "failed"
    assert result["error"]["category"] == category
    assert reason in result["error"]["reason"]
    assert result["error"]["remedy"]
    (envelope,) = world.messages()
    assert attributes(envelope)["status"] == "failed"
    assert attributes(envelope)["severity"] == "critical"
    assert "MONITOR FAILED" in envelope["Subject"]
    assert reason in envelope["Message"] and "What to do:" in envelope["Message"]
    record = json.loads(world.get(result["s3"]["record"]))
    assert (record["status"], record["error_category"]) == ("failed", category)
    captured = capfd.readouterr()
    assert world.password not in captured.out + captured.err
    assert world.password not in world.all_text()
    assert "monitor failed" in captured.out



def test_a_migration_holding_a_lock_is_waited_out_not_reported_as_a_failure(
        world: World, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    from pgdrift.monitor import run as monitor
    monkeypatch.setattr(monitor, "LOCK_RETRY_PAUSES_S", (0.5, 0.5, 0.5))
    # Given a migration that holds its lock for longer than lock_timeout (1 s), then finishes
    lock = MigrationLock(world.dsn, seconds=1.8)
    try:
        # When the scheduled run meets it
        result = world.invoke({"target": "prod"})
    finally:
        lock.release()
    # Then the run reads again once the lock is gone: no failure, no alert, the wait is counted
    assert result["status"] == "clean", result.get("error")
    assert world.messages() == []
    output = capfd.readouterr().out
    assert "a DDL held a lock on the schema" in output and "reading again in 0 s" in output
    assert '"LockWaits"' in output and "monitor failed" not in output


def test_a_lock_held_past_the_lambda_s_time_is_a_lock_failure_that_says_how_long(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from pgdrift.monitor import run as monitor
    monkeypatch.setattr(monitor, "LOCK_RETRY_PAUSES_S", (0.3,))
    # Given a migration that does not finish while the monitor runs
    lock = MigrationLock(world.dsn, seconds=None)
    try:
        result = world.invoke({"target": "prod"})
    finally:
        lock.release()
    # Then it fails as a lock, after reading twice, and alerts once with the remedy
    assert result["status"] == "failed"
    assert result["error"]["category"] == "lock"
    assert "lock_timeout (1000 ms) expired while a DDL (a migration?) held a lock" in result["error"]["reason"]
    assert "read 2 time(s) over" in result["error"]["reason"]
    assert "Retry after the migration finishes" in result["error"]["remedy"]
    (envelope,) = world.messages()
    assert attributes(envelope)["status"] == "failed"


REJECTED = {
    "malformed event": ({"target": "prod", "mode": "explode"}, "reading the invocation event: mode"),
    "unknown target": ({"target": "staging"}, "unknown target 'staging'"),
    "event not an object": (["prod"], "reading the invocation event"),
    "wrong types": ({"target": "prod", "notify": "yes please"}, "notify: Input should be a valid boolean"),
    "a long hostile name": ({"target": "x\nALERT: all good\n" * 500}, "String should have at most 63 characters"),
}


@pytest.mark.parametrize("case", list(REJECTED))
def test_a_bad_on_demand_event_answers_the_caller_and_pages_no_one(world: World, case: str) -> None:
    event, reason = REJECTED[case]
    # When someone invokes the monitor by hand with a bad event
    result = world.invoke(event)
    # Then the answer says what is wrong and what to send, no one is paged, and the run is recorded
    assert result["status"] == "rejected" and result["alert"] is None
    assert reason in result["error"]["reason"] and result["error"]["remedy"]
    assert world.messages() == []
    record = json.loads(world.get(result["s3"]["record"]))
    assert (record["status"], record["target"]) == ("rejected", "_unknown")
    # And what the caller sent is echoed escaped and bounded, never as raw lines
    stored = world.all_text() + json.dumps(result)
    assert "\nALERT: all good" not in stored.replace("\\n", "")
    assert len(result["target"]) <= 100


def test_a_scheduled_run_of_an_unknown_target_alerts_once(world: World) -> None:
    event = {"target": "staging", "trigger": "schedule"}
    assert world.invoke(event)["alert"] == "failed"
    assert world.invoke(event)["alert"] is None
    (envelope,) = world.messages()
    assert attributes(envelope)["status"] == "failed" and "'staging'" in envelope["Message"]


def test_broken_settings_answer_and_alert_without_crashing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from lambdas.monitor import handler

    good = os.environ["PGDRIFT_TARGETS"]
    # Given settings broken by a deploy
    monkeypatch.setenv("PGDRIFT_TARGETS", '[{"name": "prod"}]')
    handler.runtime.cache_clear()
    # When the schedule runs twice: one alert that names the field, then silence
    result = world.invoke({"target": "prod", "trigger": "schedule"})
    assert result["status"] == "failed"
    assert "[0] (prod).secret_arn: is required" in result["error"]["reason"]
    assert world.invoke({"target": "prod", "trigger": "schedule"})["alert"] is None
    (envelope,) = world.messages()
    assert attributes(envelope)["status"] == "failed" and "secret_arn" in envelope["Message"]
    assert len(world.keys("runs/target=_settings/")) == 2
    # When the settings are fixed (a new container): one "resolved", then the run goes on as usual
    monkeypatch.setenv("PGDRIFT_TARGETS", good)
    handler.runtime.cache_clear()
    assert world.invoke({"target": "prod", "trigger": "schedule"})["status"] == "clean"
    assert world.invoke({"target": "prod", "trigger": "schedule"})["status"] == "clean"
    (envelope,) = world.messages()
    assert attributes(envelope)["status"] == "resolved" and "(all targets)" in envelope["Message"]



def test_a_slow_database_fails_within_the_lambda_time_left(world: World) -> None:
    # Given a link where every reply takes 0.3 s: ~20 catalog queries would need ~8 s in all,
    # although each one is far below the statement timeout
    proxy = SlowProxy(world.server.embedded.port, 0.3)  # type: ignore[union-attr]
    world.set_secret(port=proxy.port)
    try:
        # When the Lambda has 8 s left (3 s for the database once 5 s are kept back)
        started = time.monotonic()
        result = world.invoke({"target": "prod"}, remaining_ms=8_000)
        elapsed = time.monotonic() - started
    finally:
        proxy.close()
    # Then the run gives up in time and says so
    assert result["status"] == "failed" and result["error"]["category"] == "timeout"
    assert "not done within 3.0 s" in result["error"]["reason"]
    assert elapsed < 5
    (envelope,) = world.messages()
    assert attributes(envelope)["status"] == "failed"


def test_a_failed_publish_is_retried_by_lambda_without_losing_the_alert(world: World,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from lambdas.monitor import handler
    from pgdrift.errors import PgDriftError

    # Given drift and a topic the function cannot publish to
    execute(world.dsn, "CREATE INDEX providers_name_idx ON providers (full_name)")
    topic = os.environ["PGDRIFT_TOPIC_ARN"]
    monkeypatch.setenv("PGDRIFT_TOPIC_ARN", topic + "-deleted")
    handler.runtime.cache_clear()
    # When the run cannot publish, the invocation fails (so Lambda retries it) ...
    with pytest.raises(PgDriftError, match="publishing the failed alert"):
        world.invoke({"target": "prod"}, request_id="run-9")
    # ... and Lambda's retry of the same invocation, with the topic back, sends the alert once
    monkeypatch.setenv("PGDRIFT_TOPIC_ARN", topic)
    handler.runtime.cache_clear()
    assert world.invoke({"target": "prod"}, request_id="run-9")["alert"] == "drift"
    assert [attributes(envelope)["status"] for envelope in world.messages()] == ["drift"]
    assert world.invoke({"target": "prod"}, request_id="run-9")["alert"] is None


def test_a_repeated_failure_alerts_once(world: World) -> None:
    world.set_secret(port=closed_port())
    assert world.invoke({"target": "prod"})["alert"] == "failed"
    assert world.invoke({"target": "prod"})["alert"] is None
    assert len(world.messages()) == 1


def test_metrics_are_emitted_per_target(world: World, capfd: pytest.CaptureFixture[str]) -> None:
    world.invoke({"target": "prod", "notify": False})
    emf = [json.loads(line) for line in capfd.readouterr().out.splitlines() if '"_aws"' in line]
    assert emf, "no EMF line printed"
    names = {metric["Name"] for metric in emf[-1]["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert {"FindingsCritical", "PendingMigrations", "SnapshotDurationMs", "Success"} <= names
    assert emf[-1]["target"] == "prod" and emf[-1]["Success"] in (1.0, [1.0])


# ---------------------------------------------------------------------------------------------
# Settings


def _settings(targets: Any, **extra: str) -> dict[str, str]:
    return {"PGDRIFT_TARGETS": json.dumps(targets), "PGDRIFT_BUCKET": "b", **extra}


def test_settings_are_typed_with_tls_verified_by_default() -> None:
    settings = parse_settings(_settings([{"name": "prod", "secret_arn": "arn:x", "expected_key": "e"}],
                                        PGDRIFT_CA_BUNDLE="/opt/rds.pem", PGDRIFT_REMINDER_HOURS="12"))
    target = settings.target("prod")
    assert (target.tls.sslmode, target.tls.ca_bundle) == ("verify-full", "/opt/rds.pem")
    assert target.alert.reminder_hours == 12.0 and target.alert.min_severity == "low"
    assert target.alert.pending_grace_minutes == 60.0
    assert settings.topic_arn is None
    assert target.version_table == "alembic_version"
    tuned = parse_settings(_settings([{"name": "prod", "secret_arn": "arn:x", "allow_plaintext": True,
                                       "alert": {"pending_grace_minutes": 0}, "version_table": "meta.versions"}]))
    assert tuned.target("prod").alert.pending_grace_minutes == 0.0
    assert tuned.target("prod").version_table == "meta.versions"


@pytest.mark.parametrize(("targets", "extra", "message"), [
    ([{"name": "prod", "secret_arn": "arn:x"}], {}, "needs a CA bundle"),
    ([{"name": "prod", "secret_arn": "arn:x", "tls": {"mode": "disable"}}], {}, "plaintext is not allowed"),
    ([{"name": "prod"}], {}, r"\[0\] \(prod\)\.secret_arn: is required"),
    ([{"name": "prod", "secret_arn": "a", "allow_plaintext": True, "alert": {"min_severity": "urgent"}}], {},
     "alert.min_severity: expected one of"),
    ([{"name": "prod", "secret_arn": "a", "allow_plaintext": True, "version_table": "a.b.c"}], {},
     r"\(prod\)\.version_table: expected a string matching .* \(Alembic's version table: NAME or SCHEMA.NAME"),
    ([{"name": "prod", "secret_arn": "a", "allow_plaintext": True, "alert": {"pending_grace_minutes": -5}}], {},
     r"\(prod\)\.alert\.pending_grace_minutes: expected a number >= 0, got -5"),
    ([{"name": "pr/od", "secret_arn": "a", "allow_plaintext": True}], {}, "may hold only letters"),
    ([{"name": "p", "secret_arn": "a", "allow_plaintext": True, "colour": 1}], {},
     r"\(p\)\.colour: unknown key \(allowed: name, "),
    ([{"name": "p", "secret_arn": "a", "allow_plaintext": True}] * 2, {}, "appears twice"),
    ([{"name": "p", "secret_arn": "a", "allow_plaintext": True, "waivers": [{"pattern": "x"}]}], {},
     r"\(p\)\.waivers\[0\]\.reason: is required"),
    ([{"name": "p", "secret_arn": "a", "allow_plaintext": True,
       "waivers": [{"pattern": "x", "reason": "r", "owner": "o", "expires": "soon"}]}], {},
     r"waivers\[0\]\.expires: expected an ISO date"),
    ([{"name": "p", "secret_arn": "a", "allow_plaintext": True,
       "severity_overrides": [{"pattern": "x", "severity": "urgent"}]}], {},
     r"severity_overrides\[0\]\.severity: expected one of"),
    ([{"name": "p", "secret_arn": "a", "allow_plaintext": True}], {"PGDRIFT_REMINDER_HOURS": "soon"},
     "PGDRIFT_REMINDER_HOURS"),
])
def test_malformed_settings_name_the_field(targets: Any, extra: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(_settings(targets, **extra))


def test_missing_bucket_and_bad_json_are_named() -> None:
    with pytest.raises(ConfigError, match="PGDRIFT_BUCKET is not set"):
        parse_settings({"PGDRIFT_TARGETS": json.dumps([{"name": "p", "secret_arn": "a",
                                                        "allow_plaintext": True}])})
    with pytest.raises(ConfigError, match="PGDRIFT_TARGETS: not valid JSON"):
        parse_settings({"PGDRIFT_TARGETS": "[{", "PGDRIFT_BUCKET": "b"})


def test_a_deploy_in_progress_is_held_back_for_the_grace_period(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from pgdrift.migrations import ledger as ledger_module
    from tests.alembic_projects.support import build, migrated

    live = migrated(world.server, "linear", "l002")
    database = parse_dsn(live).database
    execute(live, f"GRANT SELECT ON alembic_version TO {world.role}")
    try:
        # Given a database at revision l002 that the monitor has seen clean
        world.set_secret(dbname=database)
        as_monitor = world.server.dsn_for(database, user=world.role, password=world.password, tcp=True)
        world.s3.put_object(Bucket=BUCKET, Key=EXPECTED_KEY,
                            Body=gzip.compress(snapshot_io.dumps(read_snapshot(parse_dsn(as_monitor))).encode()))
        assert world.invoke({"target": "prod"})["status"] == "clean"
        # When CI uploads the ledger of a merge that adds l003 and l004, before the deploy runs them
        world.s3.put_object(Bucket=BUCKET, Key=EXPECTED_KEY,
                            Body=ledger_module.dumps(build(world.server, "linear")))
        behind = world.invoke({"target": "prod"})
        # Then the run reports the pending migrations but holds the alert back
        assert behind["status"] == "drift" and behind["migrations"]["state"] == "behind"
        assert behind["alert"] is None and world.messages() == []
        assert "migrations|behind||l004" in behind["alert_held"]
        assert "enum|missing|public.order_status|" in behind["alert_held"]
        # ...until they have been pending for longer than the grace period
        targets = json.loads(os.environ["PGDRIFT_TARGETS"])
        targets[0]["alert"]["pending_grace_minutes"] = 0.001
        monkeypatch.setenv("PGDRIFT_TARGETS", json.dumps(targets))
        from lambdas.monitor import handler

        handler.runtime.cache_clear()
        time.sleep(0.1)
        overdue = world.invoke({"target": "prod"})
        assert overdue["alert"] == "drift"
        (envelope,) = world.messages()
        assert attributes(envelope)["status"] == "drift"
        assert "l004" in envelope["Message"]
    finally:
        world.server.drop_database(database)
