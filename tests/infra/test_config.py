"""The deployment configuration: the example parses, and every bad value names its key (golden
cases in config_errors.json: a key path, a bad value, the expected message)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from infra.bundling import skip_bundling
from infra.config import (
    CONNECTIONS_PER_RUN,
    MAX_PERIOD_MINUTES,
    config_from_context,
    parse_config,
    read_config_file,
    schedule_period_minutes,
)
from infra.monitor import monitor_environment, target_settings
from infra.operations import heartbeat_window
from pgdrift import contract
from pgdrift.catalog.grants import DEFAULT_CONNECTION_LIMIT, render_grant_sql
from pgdrift.errors import ConfigError
from pgdrift.monitor.run import read_options
from pgdrift.monitor.settings import parse_settings
from pgdrift.rules import TargetSettings
from tests.infra.synth import synth_with_python

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "cdk.context.example.json"
CASES = json.loads((Path(__file__).parent / "config_errors.json").read_text())


def example_document() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text())["pgdrift"]


def test_example_config_parses_with_two_targets() -> None:
    config = read_config_file(EXAMPLE)
    assert [target.name for target in config.targets] == ["credentialing-prod", "billing-partner"]
    assert config.targets[1].assume_role_arn == "arn:aws:iam::210987654321:role/pgdrift-read-secret"
    assert config.targets[0].schedule.period_minutes == 60
    assert config.subnet_ids == ("subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719")
    assert config.db_endpoints == (("sg-0a1b2c3d4e5f60718", 5432), ("sg-0a1b2c3d4e5f60719", 5433))


def _patched(case: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(example_document())
    *parents, last = case["set"]
    node: Any = document
    for key in parents:
        node = node[key]
    node[last] = case["value"]
    return document


@pytest.mark.parametrize("case", CASES, ids=[case["error"].split(":")[0] for case in CASES])
def test_bad_value_names_the_key(case: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(_patched(case))
    assert case["error"] in str(raised.value)
    assert raised.value.remedy, "every config error says what to do"


@pytest.mark.parametrize(("expression", "minutes"), [
    ("rate(1 hour)", 60), ("rate(15 minutes)", 15), ("rate(2 days)", 2880), ("cron(0 * * * ? *)", 60),
    ("cron(0 */6 * * ? *)", 360), ("cron(30 7 * * ? *)", 1440), ("cron(0/10 * * * ? *)", 10),
    ("cron(0 6,18 * * ? *)", 1440), ("cron(0 6 ? * MON-FRI *)", 3 * 1440), ("cron(0 6 ? * 2-6 *)", 3 * 1440),
    ("cron(0 6 ? * MON,WED,FRI *)", 3 * 1440), ("cron(0 6 ? * MON,THU *)", 4 * 1440),
])
def test_schedule_period_is_never_shorter_than_the_real_gap(expression: str, minutes: int) -> None:
    if minutes > MAX_PERIOD_MINUTES:
        with pytest.raises(ConfigError, match="must run at least every 3 days"):
            schedule_period_minutes(expression, "schedule")
    else:
        assert schedule_period_minutes(expression, "schedule") == minutes


@pytest.mark.parametrize("expression", ["rate(7 days)", "cron(0 6 ? * MON *)", "cron(0 6 1 * ? *)"])
def test_schedules_rarer_than_three_days_are_refused(expression: str) -> None:
    with pytest.raises(ConfigError, match="must run at least every 3 days"):
        schedule_period_minutes(expression, "targets[0].schedule.expression")


@pytest.mark.parametrize(("schedule_minutes", "window"), [
    (15, (15, 2)), (60, (60, 2)), (1440, (1440, 2)), (2880, (1440, 4)), (4320, (1440, 6))])
def test_heartbeat_alarm_spans_two_schedule_periods(schedule_minutes: int, window: tuple[int, int]) -> None:
    period, evaluations = heartbeat_window(schedule_minutes)
    assert (period, evaluations) == window
    assert period * evaluations >= 2 * schedule_minutes and period * evaluations <= 7 * 1440


def test_context_file_and_inline_context_give_the_same_config() -> None:
    from_file = config_from_context({"pgdrift:config_file": "cdk.context.example.json"}, ROOT)
    inline = config_from_context({"pgdrift": json.dumps(example_document())}, ROOT)
    assert from_file == inline


def test_missing_context_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="neither context pgdrift nor pgdrift:config_file is set"):
        config_from_context({}, ROOT)
    with pytest.raises(ConfigError, match=r"reading pgdrift config file .*nope\.json"):
        config_from_context({"pgdrift:config_file": "nope.json"}, tmp_path)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ConfigError, match="invalid JSON at line 1"):
        config_from_context({"pgdrift:config_file": "bad.json"}, tmp_path)


def test_monitor_environment_is_what_the_monitor_parses() -> None:
    # Given the example config, when the stack renders the monitor's environment,
    # then pgdrift.monitor.settings (the monitor's own parser) reads back every target unchanged.
    config = read_config_file(EXAMPLE)
    environment = monitor_environment(config, "the-bucket", "arn:aws:sns:eu-central-1:123456789012:t")
    settings = parse_settings(environment)
    assert list(settings.targets) == ["credentialing-prod", "billing-partner"]
    billing = settings.target("billing-partner")
    assert billing.assume_role_arn == "arn:aws:iam::210987654321:role/pgdrift-read-secret"
    assert billing.alert.min_severity == "high" and billing.alert.reminder_hours == 24
    assert billing.alert.pending_grace_minutes == 30 and billing.version_table == "billing.alembic_version"
    assert billing.tls.sslmode == "verify-full" and billing.tls.ca_bundle == "/var/task/certs/rds-ca-bundle.pem"
    credentialing = settings.target("credentialing-prod")
    assert credentialing.exclude_schemas == ("tmp_*",)
    # Severity overrides and waivers reach the monitor's drift config.
    assert credentialing.drift_config is not None
    assert [(rule.pattern, rule.severity) for rule in credentialing.drift_config.severity] == [
        ("credentialing.license_*", "critical")]
    assert [(waiver.pattern, waiver.owner, waiver.expires.isoformat())
            for waiver in credentialing.drift_config.waivers] == [
        ("public.legacy_audit", "@data-platform", "2027-03-31")]
    assert billing.drift_config is None
    assert environment[contract.ENV_REMINDER_HOURS] == "24"


def test_every_target_that_synthesizes_is_one_the_monitor_accepts() -> None:
    # Given the test stack's config (password and IAM auth, cross-account, per-target alert policy),
    # when each target is rendered into PGDRIFT_TARGETS, then the monitor's parser accepts it as is.
    config = read_config_file(Path(__file__).parent / "config.json")
    for target in config.targets:
        entry = target_settings(target)
        settings = parse_settings({contract.ENV_TARGETS: json.dumps([entry]), contract.ENV_BUCKET: "bucket"})
        parsed = settings.target(target.name)
        assert TargetSettings.model_validate(entry) == target.settings
        assert (parsed.include_schemas, parsed.auth) == (target.settings.include_schemas, target.settings.auth)
    ledger = parse_settings({contract.ENV_TARGETS: json.dumps([target_settings(config.targets[1])]),
                             contract.ENV_BUCKET: "bucket"}).target("ledger")
    assert (ledger.auth, ledger.alert.min_severity, ledger.alert.reminder_hours) == ("iam", "medium", 12.0)


def test_monitor_environment_rejects_what_the_monitor_would_reject() -> None:
    # verify-full without a CA bundle: the monitor would fail every run, so synth fails instead.
    document = example_document()
    del document["monitor"]["ca_bundle"]
    with pytest.raises(ConfigError, match="needs a CA bundle"):
        monitor_environment(parse_config(document), "bucket", "topic")


def _with_targets(count: int) -> dict[str, Any]:
    document = example_document()
    template = {key: value for key, value in document["targets"][0].items()
                if key not in ("severity_overrides", "waivers")}
    document["targets"] = [{**template, "name": f"database-{index:02d}",
                            "expected_key": f"expected/database-{index:02d}/ledger.json.gz"}
                           for index in range(count)]
    return document


def test_monitor_environment_fits_lambdas_4_kb_or_says_to_split() -> None:
    # Given eight typical targets, the environment fits; given fourteen, synth stops and says why.
    monitor_environment(parse_config(_with_targets(8)), "bucket", "topic")
    with pytest.raises(ConfigError, match="over Lambda's 4096-byte limit") as raised:
        monitor_environment(parse_config(_with_targets(14)), "bucket", "topic")
    assert "Split the targets across stacks" in str(raised.value)


def test_connections_per_run_is_what_the_monitor_opens() -> None:
    # The monitor reads with read_options(target), one connection per job.
    settings = parse_settings(monitor_environment(read_config_file(EXAMPLE), "bucket", "topic")
                              | {contract.ENV_BUCKET: "bucket", contract.ENV_TOPIC_ARN: "topic"})
    assert {read_options(target).jobs for target in settings.targets.values()} == {CONNECTIONS_PER_RUN} == {2}


def test_reserved_concurrency_defaults_to_what_the_tightest_connection_limit_allows() -> None:
    # Given the example: no reserved_concurrency, the default limit of `pgdrift grant-sql`'s role.
    config = read_config_file(EXAMPLE)
    grant = render_grant_sql("pgdrift_monitor", "db", ["public"], None)
    assert f"CONNECTION LIMIT {DEFAULT_CONNECTION_LIMIT};" in grant
    assert {target.connection_limit for target in config.targets} == {DEFAULT_CONNECTION_LIMIT} == {3}
    assert config.monitor.reserved_concurrency == 1  # 2 runs x 2 connections would not fit 3
    # When one target's role allows 10 and the other 7, the 7 decides: 3 runs x 2 = 6 <= 7.
    document = example_document()
    document["monitor"]["connection_limit"] = 10
    document["targets"][1]["connection_limit"] = 7
    config = parse_config(document)
    assert [target.connection_limit for target in config.targets] == [10, 7]
    assert config.monitor.reserved_concurrency == 3
    # An explicit value that fits is kept.
    document["monitor"]["reserved_concurrency"] = 2
    assert parse_config(document).monitor.reserved_concurrency == 2


def test_bucket_restriction_follows_the_endpoints_and_object_lock_is_off_by_default() -> None:
    config = read_config_file(EXAMPLE)
    assert config.retention.object_lock_days == 0
    assert config.network.restrict_bucket_to_endpoint is True
    assert config.network.bucket_access_principals == ("arn:aws:iam::123456789012:role/pgdrift-ci-upload",)
    # An explicit empty list is a decision (nobody outside the VPC); without endpoints nothing to restrict to.
    document = example_document()
    document["network"]["bucket_access_principals"] = []
    assert parse_config(document).network.bucket_access_principals == ()
    document["network"] = {"availability_zones": ["eu-central-1a"], "vpc_endpoints": False,
                           "https_egress_cidr": "10.0.0.0/16"}
    assert parse_config(document).network.restrict_bucket_to_endpoint is False


def test_app_py_refuses_more_concurrent_connections_than_the_role_allows(tmp_path: Path) -> None:
    # Given four concurrent runs against roles limited to 3 connections (issue 12), synth stops.
    document = example_document()
    document["monitor"]["reserved_concurrency"] = 4
    result = synth_with_python(tmp_path / "cdk.out", {"pgdrift": json.dumps(document)})
    assert result.returncode == 2
    assert ("monitor.reserved_concurrency: 4 concurrent runs x 2 connections each exceed the connection limit 3 "
            "of target credentialing-prod") in result.stderr
    assert not (tmp_path / "cdk.out" / "pgdrift.template.json").exists()


def test_app_py_stops_with_the_config_error_and_exit_code_2(tmp_path: Path) -> None:
    # Given a config with a bad port, `python app.py` prints the message naming the key and exits 2.
    document = example_document()
    document["targets"][0]["port"] = 0
    result = synth_with_python(tmp_path / "cdk.out", {"pgdrift": json.dumps(document)})
    assert result.returncode == 2
    assert "pgdrift: reading pgdrift config: targets[0].port: expected an integer from 1 to 65535" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("context", "environment", "skipped"), [
    ({}, {}, False), ({"pgdrift:skip_bundling": True}, {}, True), ({"pgdrift:skip_bundling": "true"}, {}, True),
    ({}, {"PGDRIFT_SKIP_BUNDLING": "1"}, True), ({}, {"PGDRIFT_SKIP_BUNDLING": "0"}, False),
])
def test_bundling_is_skipped_only_when_asked(monkeypatch: pytest.MonkeyPatch, context: dict[str, Any],
                                             environment: dict[str, str], skipped: bool) -> None:
    monkeypatch.delenv("PGDRIFT_SKIP_BUNDLING", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    stack = cdk.Stack(cdk.App(context=context), "Probe")
    assert skip_bundling(stack) is skipped
