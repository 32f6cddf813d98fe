"""Typed deployment configuration, read from `cdk.json` context and validated at synth time.

The configuration is a JSON object under the context key `pgdrift`, or in a JSON file named by the
context key `pgdrift:config_file` (relative to the project root). Every problem is reported as a
`ConfigError` that names the key path ("targets[1].schedule.expression") and the bad value, so a
typo fails `cdk synth` instead of deploying a monitor that never runs. Unknown keys are errors too.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pgdrift import contract
from pgdrift.catalog.grants import CONNECTIONS_PER_RUN, DEFAULT_CONNECTION_LIMIT
from pgdrift.compare.findings import SEVERITIES
from pgdrift.errors import ConfigError
from pgdrift.rules import TARGET_NAME, TargetSettings, first_problem, format_path

CONTEXT_KEY = "pgdrift"
CONTEXT_FILE_KEY = "pgdrift:config_file"
REMEDY = "Fix the pgdrift configuration (cdk.json context or the file it names); see docs/deploying.md"

ACCOUNT = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9/_+=,.@-]+$")
# aws:PrincipalArn of a role or user, * allowed (SSO roles carry a random suffix)
PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[A-Za-z0-9/_+=,.@*-]+$")
VPC_ID = re.compile(r"^vpc-[0-9a-f]{8,17}$")
SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8,17}$")
SECURITY_GROUP_ID = re.compile(r"^sg-[0-9a-f]{8,17}$")
ROUTE_TABLE_ID = re.compile(r"^rtb-[0-9a-f]{8,17}$")
PREFIX_LIST_ID = re.compile(r"^pl-[0-9a-f]{8,17}$")
AVAILABILITY_ZONE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$")
CIDR = re.compile(r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
CRON = re.compile(r"^cron\((\S+ ){5}\S+\)$")
DB_USER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")  # a PostgreSQL role name rds-db:connect can name
DB_RESOURCE_ID = re.compile(r"^(db|cluster)-[A-Z0-9]{10,40}$")  # DbiResourceId / DbClusterResourceId
RATE_UNIT_MINUTES = {"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440}


@dataclass(frozen=True)
class Schedule:
    """When a target is checked: an EventBridge Scheduler `rate(...)` or `cron(...)` in a time zone."""

    expression: str
    time_zone: str
    period_minutes: int  # the longest gap between two runs, for the missed-heartbeat alarm


@dataclass(frozen=True)
class Target:
    """One monitored database: where it is and when it is checked, plus `settings`, the monitor's
    own model of the target (pgdrift.rules), which the stack renders into PGDRIFT_TARGETS."""

    name: str
    secret_arn: str
    vpc_id: str
    subnet_ids: tuple[str, ...]
    db_security_group_id: str
    port: int
    schedule: Schedule
    settings: TargetSettings  # schemas, expected key, severity overrides, waivers, tls, alert, auth
    connection_limit: int = DEFAULT_CONNECTION_LIMIT  # the monitoring role's CONNECTION LIMIT
    #: IAM database authentication as this database user (the monitor signs a token per run;
    #: the function's role may rds-db:connect as it); None: the secret's password
    iam_user: str | None = None
    db_resource_id: str | None = None  # the instance's or cluster's resource id, for rds-db:connect

    @property
    def assume_role_arn(self) -> str | None:
        return self.settings.assume_role_arn


@dataclass(frozen=True)
class EmailSubscriber:
    address: str
    min_severity: str | None  # None: every message, including alarms and "monitor failed"


@dataclass(frozen=True)
class Alerting:
    emails: tuple[EmailSubscriber, ...]
    slack_webhook_secret_arn: str | None
    reminder_hours: int


@dataclass(frozen=True)
class Retention:
    days: int  # snapshots, reports and run records expire after this many days
    transition_days: int  # ... and move to S3 Standard-IA after this many
    object_lock_days: int = 0  # 0: off; else S3 Object Lock, governance mode, bucket-wide default retention


@dataclass(frozen=True)
class Network:
    vpc_id: str
    availability_zones: tuple[str, ...]
    vpc_endpoints: bool  # create Secrets Manager + SNS interface and S3 gateway endpoints
    route_table_ids: tuple[str, ...]  # of the monitor's subnets, for the S3 gateway endpoint
    s3_prefix_list_id: str | None  # com.amazonaws.<region>.s3, for the HTTPS egress rule to S3
    https_egress_cidr: str | None  # without our endpoints: where HTTPS may go (NAT or existing endpoints)
    # With our endpoints: the bucket policy denies object access that does not come through the S3
    # gateway endpoint, except for AWS services acting for a caller (Athena) and these principals.
    restrict_bucket_to_endpoint: bool = False
    bucket_access_principals: tuple[str, ...] = ()  # CI uploading ledgers, operators reading history


@dataclass(frozen=True)
class Monitor:
    reserved_concurrency: int  # x CONNECTIONS_PER_RUN never exceeds any target's connection_limit
    connection_limit: int  # the targets' default
    timeout_seconds: int
    memory_mb: int
    log_retention_days: int
    ca_bundle: str | None  # local file (relative to the project) of the RDS CA bundle, copied into the asset
    powertools_layer_version: int  # of the public AWSLambdaPowertoolsPythonV3-python312-arm64 layer
    dashboards: bool  # one CloudWatch dashboard per target ($3/month each beyond the free three)


@dataclass(frozen=True)
class DeployConfig:
    """The whole deployment: one stack, one VPC, any number of targets."""

    account: str
    region: str
    stack_name: str
    network: Network
    monitor: Monitor
    targets: tuple[Target, ...]
    alerting: Alerting
    retention: Retention
    expected_artifacts_path: str | None  # local directory uploaded under expected/ at deploy time

    @property
    def subnet_ids(self) -> tuple[str, ...]:
        return tuple(sorted({subnet for target in self.targets for subnet in target.subnet_ids}))

    @property
    def db_endpoints(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted({(target.db_security_group_id, target.port) for target in self.targets}))


class _Reader:
    """Reads one JSON object, naming the key path in every error and rejecting unknown keys."""

    def __init__(self, value: Any, path: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(value, Mapping):
            raise _error(path, "expected an object", value)
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise _error(f"{_join(path, unknown[0])}", f"unknown key (allowed: {', '.join(allowed)})", None)
        self.value = value
        self.path = path

    def child(self, key: str) -> str:
        return _join(self.path, key)

    def raw(self, key: str, default: Any = None) -> Any:
        return self.value.get(key, default)

    def string(self, key: str, pattern: re.Pattern[str] | None = None, default: str | None = None,
               required: bool = True) -> str | None:
        value = self.value.get(key, default)
        if value is None:
            if required:
                raise _error(self.child(key), "is required", None)
            return None
        if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
            expected = f"a string matching {pattern.pattern}" if pattern else "a string"
            raise _error(self.child(key), f"expected {expected}", value)
        return value

    def required_string(self, key: str, pattern: re.Pattern[str] | None = None,
                        default: str | None = None) -> str:
        value = self.string(key, pattern, default)
        assert value is not None  # string() raised when missing
        return value

    def integer(self, key: str, default: int | None, low: int, high: int) -> int:
        value = self.value.get(key, default)
        if value is None:
            raise _error(self.child(key), "is required", None)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _error(self.child(key), f"expected an integer from {low} to {high}", value)
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.value.get(key, default)
        if not isinstance(value, bool):
            raise _error(self.child(key), "expected true or false", value)
        return value

    def strings(self, key: str, pattern: re.Pattern[str] | None = None, default: list[str] | None = None,
                non_empty: bool = False) -> tuple[str, ...]:
        value = self.value.get(key, default if default is not None else [])
        if not isinstance(value, list) or (non_empty and not value):
            raise _error(self.child(key), "expected a non-empty list" if non_empty else "expected a list", value)
        for index, item in enumerate(value):
            if not isinstance(item, str) or (pattern is not None and not pattern.match(item)):
                expected = f"a string matching {pattern.pattern}" if pattern else "a string"
                raise _error(f"{self.child(key)}[{index}]", f"expected {expected}", item)
        return tuple(value)

    def objects(self, key: str) -> list[tuple[str, Any]]:
        value = self.value.get(key, [])
        if not isinstance(value, list):
            raise _error(self.child(key), "expected a list", value)
        return [(f"{self.child(key)}[{index}]", item) for index, item in enumerate(value)]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _error(path: str, problem: str, value: Any) -> ConfigError:
    shown = "" if value is None else f", got {json.dumps(value, default=str)[:80]}"
    return ConfigError(f"reading pgdrift config: {path}: {problem}{shown}", REMEDY)


MAX_PERIOD_MINUTES = 3 * 1440  # two periods must fit CloudWatch's 7-day alarm evaluation range
WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


def schedule_period_minutes(expression: str, path: str) -> int:
    """The longest gap between two runs of a schedule, which the missed-heartbeat alarm waits for.

    Rates are exact. Crons are read conservatively (never shorter than the real gap, so the alarm
    cannot fire between two on-time runs): a `*` or stepped minute runs every N minutes, a `*` or
    stepped hour hourly or every N hours, anything else daily, widened by the largest gap between
    the allowed weekdays. Schedules rarer than every 3 days are refused: the alarm waits two periods
    and CloudWatch evaluates at most 7 days."""
    rate = RATE.match(expression)
    if rate:
        minutes = int(rate.group(1)) * RATE_UNIT_MINUTES[rate.group(2)]
    elif CRON.match(expression):
        minutes = _cron_period_minutes(expression[len("cron("):-1].split(), path, expression)
    else:
        raise _error(path, "expected rate(N minutes|hours|days) or cron(min hour dom month dow year)", expression)
    if not 1 <= minutes <= MAX_PERIOD_MINUTES:
        raise _error(path, "must run at least every 3 days (the missed-heartbeat alarm waits two periods, "
                     "and CloudWatch evaluates at most 7 days)", expression)
    return minutes


def _cron_period_minutes(fields: list[str], path: str, expression: str) -> int:
    minute, hour, day_of_month, _, day_of_week, _ = fields
    if day_of_month not in ("*", "?"):
        return 31 * 1440  # monthly or rarer
    step = _step(minute, path, expression)
    if step is not None and hour == "*":
        return step
    step = _step(hour, path, expression)
    if step is not None:
        return 60 * step
    return 1440 * _largest_weekday_gap(day_of_week, path, expression)


def _step(field: str, path: str, expression: str) -> int | None:
    """N for `*` (1), `*/N` or `A/N`; None for fixed values and lists."""
    if field == "*":
        return 1
    if "/" not in field:
        return None
    try:
        return int(field.split("/")[1])
    except ValueError:
        raise _error(path, f"cannot read the step of cron field {field!r}", expression) from None


def _largest_weekday_gap(field: str, path: str, expression: str) -> int:
    if field in ("*", "?"):
        return 1
    days: set[int] = set()
    for part in field.split(","):
        bounds = [_weekday(bound.split("#")[0].rstrip("L"), path, expression) for bound in part.split("-")]
        days.update(range(bounds[0], bounds[-1] + 1) if bounds[0] <= bounds[-1] else bounds)
    ordered = sorted(days)
    return max(((later - earlier) % 7 or 7) for earlier, later in zip(ordered, ordered[1:] + ordered[:1], strict=True))


def _weekday(token: str, path: str, expression: str) -> int:
    if token.upper() in WEEKDAYS:
        return WEEKDAYS[token.upper()]
    if token.isdigit() and 1 <= int(token) <= 7:
        return int(token)
    raise _error(path, f"cannot read the cron day of week {token!r}", expression)


def _read_schedule(value: Any, path: str) -> Schedule:
    reader = _Reader(value, path, ("expression", "time_zone"))
    expression = reader.required_string("expression")
    time_zone = reader.required_string("time_zone", default="UTC")
    zones = zoneinfo.available_timezones()
    if zones and time_zone not in zones:
        raise _error(reader.child("time_zone"), "expected an IANA time zone such as Europe/Berlin", time_zone)
    return Schedule(expression, time_zone, schedule_period_minutes(expression, reader.child("expression")))


# The deploy config's names for the monitor's target settings, where they differ.
_SETTINGS_KEYS = {"include_schemas": ("schemas", "include"), "exclude_schemas": ("schemas", "exclude"),
                  "auth": ("iam_user",)}
_SHARED_KEYS = ("expected_key", "tls", "allow_plaintext", "alert", "assume_role_arn", "severity_overrides",
                "waivers", "version_table")


def _read_settings(reader: _Reader, name: str, secret_arn: str, expected_key: str, schemas: _Reader) -> TargetSettings:
    """The monitor's settings of this target, validated by the monitor's own model (pgdrift.rules), so a
    config that synthesizes is one the monitor accepts."""
    document: dict[str, Any] = {"name": name, "secret_arn": secret_arn, "expected_key": expected_key,
                                "include_schemas": list(schemas.strings("include", default=["public"], non_empty=True)),
                                "exclude_schemas": list(schemas.strings("exclude"))}
    document |= {key: reader.raw(key) for key in _SHARED_KEYS if reader.raw(key) is not None}
    if reader.raw("iam_user") is not None:
        document["auth"] = "iam"
    try:
        return TargetSettings.model_validate(document)
    except ValidationError as error:
        problem = first_problem(error)
        head, *rest = problem.location or ("",)
        location = (*_SETTINGS_KEYS.get(str(head), (head,)), *rest)
        raise _error(_join(reader.path, format_path(location)), problem.problem, problem.value) from None


TARGET_KEYS = ("name", "secret_arn", "vpc_id", "subnet_ids", "db_security_group_id", "port", "schedule",
               "schemas", "expected_key", "severity_overrides", "waivers", "tls", "allow_plaintext", "alert",
               "assume_role_arn", "version_table", "connection_limit", "iam_user", "db_resource_id")


def _read_target(value: Any, path: str, default_connection_limit: int) -> Target:
    reader = _Reader(value, path, TARGET_KEYS)
    name = reader.required_string("name", TARGET_NAME)
    schemas = _Reader(reader.raw("schemas", {}), reader.child("schemas"), ("include", "exclude"))
    expected_key = reader.required_string("expected_key", default=f"{contract.PREFIX_EXPECTED}{name}/ledger.json.gz")
    if not expected_key.startswith(contract.PREFIX_EXPECTED):
        # The monitor may read only this prefix of the bucket.
        raise _error(reader.child("expected_key"), f"must start with {contract.PREFIX_EXPECTED}", expected_key)
    secret_arn = reader.required_string("secret_arn", SECRET_ARN)
    reader.string("assume_role_arn", ROLE_ARN, required=False)
    return Target(
        name=name,
        secret_arn=secret_arn,
        vpc_id=reader.required_string("vpc_id", VPC_ID),
        subnet_ids=reader.strings("subnet_ids", SUBNET_ID, non_empty=True),
        db_security_group_id=reader.required_string("db_security_group_id", SECURITY_GROUP_ID),
        port=reader.integer("port", 5432, 1, 65535),
        schedule=_read_schedule(reader.raw("schedule"), reader.child("schedule")),
        settings=_read_settings(reader, name, secret_arn, expected_key, schemas),
        connection_limit=_read_connection_limit(reader, default_connection_limit),
        iam_user=reader.string("iam_user", DB_USER, required=False),
        db_resource_id=_read_db_resource_id(reader),
    )


def _read_db_resource_id(reader: _Reader) -> str | None:
    """rds-db:connect is granted on one database's resource id, so IAM authentication needs it."""
    resource_id = reader.string("db_resource_id", DB_RESOURCE_ID, required=False)
    if reader.raw("iam_user") is not None and resource_id is None:
        raise _error(reader.child("db_resource_id"), "is needed with iam_user (the database's DbiResourceId, "
                     "e.g. db-ABCDEFGHIJKLMNOPQRSTUVWXY0, from `aws rds describe-db-instances`)", None)
    return resource_id


def _read_connection_limit(reader: _Reader, default: int) -> int:
    """The monitoring role's CONNECTION LIMIT: at least what one run opens."""
    limit = reader.integer("connection_limit", default, 1, 10000)
    if limit < CONNECTIONS_PER_RUN:
        raise _error(reader.child("connection_limit"), f"one run opens {CONNECTIONS_PER_RUN} connections (the "
                     f"snapshot reads over {CONNECTIONS_PER_RUN}), so the role needs a CONNECTION LIMIT of at "
                     f"least {CONNECTIONS_PER_RUN}", limit)
    return limit


def _read_alerting(value: Any, path: str) -> Alerting:
    reader = _Reader(value, path, ("email", "slack_webhook_secret_arn", "reminder_hours"))
    emails = []
    for item_path, item in reader.objects("email"):
        email = _Reader(item, item_path, ("address", "min_severity"))
        min_severity = email.string("min_severity", required=False)
        if min_severity is not None and min_severity not in SEVERITIES:
            raise _error(email.child("min_severity"), f"expected one of {', '.join(SEVERITIES)}", min_severity)
        emails.append(EmailSubscriber(email.required_string("address", EMAIL), min_severity))
    return Alerting(
        emails=tuple(emails),
        slack_webhook_secret_arn=reader.string("slack_webhook_secret_arn", SECRET_ARN, required=False),
        reminder_hours=reader.integer("reminder_hours", 24, 0, 24 * 30),
    )


def _read_retention(value: Any, path: str) -> Retention:
    reader = _Reader(value, path, ("days", "transition_days", "object_lock_days"))
    days = reader.integer("days", 400, 1, 3650)
    # S3 refuses a Standard-IA transition before day 30; 0 turns the transition off.
    transition_days = reader.integer("transition_days", 30, 0, 3650)
    if transition_days and not 30 <= transition_days < days:
        raise _error(reader.child("transition_days"), f"expected 0 (off) or 30 up to days-1 ({days - 1})",
                     transition_days)
    # Locked longer than kept would make `days` a promise the bucket cannot keep.
    object_lock_days = reader.integer("object_lock_days", 0, 0, 3650)
    if object_lock_days > days:
        raise _error(reader.child("object_lock_days"), f"expected 0 (off) up to days ({days})", object_lock_days)
    return Retention(days, transition_days, object_lock_days)


def _read_network(value: Any, path: str, vpc_id: str) -> Network:
    reader = _Reader(value, path, ("availability_zones", "vpc_endpoints", "route_table_ids",
                                   "s3_prefix_list_id", "https_egress_cidr", "restrict_bucket_to_endpoint",
                                   "bucket_access_principals"))
    endpoints = reader.boolean("vpc_endpoints", True)
    restrict = reader.boolean("restrict_bucket_to_endpoint", endpoints)
    if restrict and not endpoints:
        raise _error(reader.child("restrict_bucket_to_endpoint"), "needs vpc_endpoints: true (the S3 gateway "
                     "endpoint this stack creates)", restrict)
    if restrict and reader.raw("bucket_access_principals") is None:
        # Required, not defaulted: an empty list would silently lock CI's ledger uploads out.
        raise _error(reader.child("bucket_access_principals"), "is required while restrict_bucket_to_endpoint "
                     "is on: list the roles that use the bucket from outside the VPC (CI uploading expected/, "
                     "operators reading history), [] for none, or set restrict_bucket_to_endpoint to false", None)
    return Network(
        vpc_id=vpc_id,
        availability_zones=reader.strings("availability_zones", AVAILABILITY_ZONE, non_empty=True),
        vpc_endpoints=endpoints,
        route_table_ids=reader.strings("route_table_ids", ROUTE_TABLE_ID, non_empty=endpoints),
        s3_prefix_list_id=reader.string("s3_prefix_list_id", PREFIX_LIST_ID, required=endpoints),
        https_egress_cidr=reader.string("https_egress_cidr", CIDR, required=not endpoints),
        restrict_bucket_to_endpoint=restrict,
        bucket_access_principals=reader.strings("bucket_access_principals", PRINCIPAL_ARN),
    )


MONITOR_KEYS = ("reserved_concurrency", "connection_limit", "timeout_seconds", "memory_mb", "log_retention_days",
                "ca_bundle", "powertools_layer_version", "dashboards")


def _read_monitor(reader: _Reader, targets: tuple[Target, ...], connection_limit: int) -> Monitor:
    return Monitor(
        reserved_concurrency=_reserved_concurrency(reader, targets),
        connection_limit=connection_limit,
        timeout_seconds=reader.integer("timeout_seconds", 60, 10, 900),
        memory_mb=reader.integer("memory_mb", 512, 128, 10240),
        log_retention_days=reader.integer("log_retention_days", 365, 1, 3653),
        ca_bundle=reader.string("ca_bundle", required=False),
        powertools_layer_version=reader.integer("powertools_layer_version", 27, 1, 10000),
        dashboards=reader.boolean("dashboards", True),
    )


def _reserved_concurrency(reader: _Reader, targets: tuple[Target, ...]) -> int:
    """Concurrent runs, each opening CONNECTIONS_PER_RUN connections, must fit the smallest role limit:
    one function serves every target, so all its runs may be of one target (issue 12: four runs
    against CONNECTION LIMIT 3 failed with "too many connections"). Default: as many as fit."""
    tightest = min(targets, key=lambda target: target.connection_limit)
    fits = tightest.connection_limit // CONNECTIONS_PER_RUN
    concurrency = reader.integer("reserved_concurrency", fits, 1, 1000)
    if concurrency > fits:
        raise _error(reader.child("reserved_concurrency"),
                     f"{concurrency} concurrent runs x {CONNECTIONS_PER_RUN} connections each exceed the connection "
                     f"limit {tightest.connection_limit} of target {tightest.name}; set it to at most {fits}, or "
                     "raise the role's CONNECTION LIMIT and connection_limit (monitor or target)", concurrency)
    return concurrency


TOP_KEYS = ("account", "region", "stack_name", "network", "monitor", "targets", "alerting", "retention",
            "expected_artifacts_path")


def parse_config(value: Any) -> DeployConfig:
    """Validate a configuration object; raises ConfigError naming the first bad key."""
    reader = _Reader(value, "", TOP_KEYS)
    monitor = _Reader(reader.raw("monitor", {}), "monitor", MONITOR_KEYS)
    connection_limit = _read_connection_limit(monitor, DEFAULT_CONNECTION_LIMIT)
    targets = tuple(_read_target(item, item_path, connection_limit) for item_path, item in reader.objects("targets"))
    if not targets:
        raise _error("targets", "expected at least one target", None)
    _check_targets(targets)
    return DeployConfig(
        account=reader.required_string("account", ACCOUNT),
        region=reader.required_string("region", REGION),
        stack_name=reader.required_string("stack_name", STACK_NAME, default="pgdrift"),
        network=_read_network(reader.raw("network", {}), "network", targets[0].vpc_id),
        monitor=_read_monitor(monitor, targets, connection_limit),
        targets=targets,
        alerting=_read_alerting(reader.raw("alerting", {}), "alerting"),
        retention=_read_retention(reader.raw("retention", {}), "retention"),
        expected_artifacts_path=reader.string("expected_artifacts_path", required=False),
    )


def _check_targets(targets: tuple[Target, ...]) -> None:
    seen: set[str] = set()
    for index, target in enumerate(targets):
        if target.name in seen:
            raise _error(f"targets[{index}].name", "duplicate target name", target.name)
        seen.add(target.name)
        if target.vpc_id != targets[0].vpc_id:
            # One monitor function lives in one VPC; deploy one stack per VPC (docs/deploying.md).
            raise _error(f"targets[{index}].vpc_id", f"all targets must share one VPC ({targets[0].vpc_id}); "
                         "deploy another stack for another VPC", target.vpc_id)


def read_config_file(path: Path) -> DeployConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"reading pgdrift config file {path}: {error.strerror}",
                          f"Create it (copy cdk.context.example.json) or fix context {CONTEXT_FILE_KEY}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"reading pgdrift config file {path}: invalid JSON at line {error.lineno}",
                          "Fix the JSON syntax") from None
    # Accept either the bare object or a cdk.context-style {"pgdrift": {...}} wrapper.
    if isinstance(document, Mapping) and CONTEXT_KEY in document:
        document = document[CONTEXT_KEY]
    return parse_config(document)


def cdk_json_context(path: Path) -> dict[str, Any]:
    """The `context` block of cdk.json. The CDK CLI passes it to the app itself; `python app.py`
    (no CLI) needs it read here, feature flags included, so both ways synthesize the same stack."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    context = document.get("context", {}) if isinstance(document, Mapping) else {}
    return dict(context) if isinstance(context, Mapping) else {}


def config_from_context(context: Mapping[str, Any], root: Path) -> DeployConfig:
    """The configuration from CDK context: `pgdrift` inline (wins, so `-c pgdrift=...` overrides
    cdk.json), else the file named by `pgdrift:config_file`."""
    inline = context.get(CONTEXT_KEY)
    if inline is None:
        file_name = context.get(CONTEXT_FILE_KEY)
        if not file_name:
            raise ConfigError(f"reading pgdrift config: neither context {CONTEXT_KEY} nor {CONTEXT_FILE_KEY} is set",
                              "Pass -c pgdrift:config_file=<file> or set it in cdk.json")
        return read_config_file(root / str(file_name))
    if isinstance(inline, str):  # `-c pgdrift=...` on the command line arrives as a JSON string
        try:
            inline = json.loads(inline)
        except json.JSONDecodeError:
            raise ConfigError("reading pgdrift config: context pgdrift is not valid JSON",
                              "Pass a JSON object") from None
    return parse_config(inline)
