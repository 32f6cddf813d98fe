"""Typed deployment configuration, read from `cdk.json` context and validated at synth time.

The configuration is a JSON object under the context key `pgdrift`, or in a JSON file named by the
context key `pgdrift:config_file` (relative to the project root). Every problem is reported as a
`ConfigError` that names the key path ("targets[1].schedule.expression") and the bad value, so a
typo fails `cdk synth` instead of deploying a monitor that never runs. Unknown keys are errors too.

`DeployConfig` is one frozen pydantic model (issue 14): each target's rules are the monitor's own
types (pgdrift.rules), and the same model writes the JSON Schema editors check the file with,
`infra/deploy-config.schema.json` (`python -m infra.config --schema` rewrites it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, PrivateAttr, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from pgdrift import contract
from pgdrift.catalog.grants import CONNECTIONS_PER_RUN, DEFAULT_CONNECTION_LIMIT
from pgdrift.errors import ConfigError
from pgdrift.rules import (
    NON_EMPTY_LIST,
    AlertRules,
    Checked,
    Flag,
    Rules,
    Severity,
    SeverityRule,
    TargetName,
    TargetSettings,
    Text,
    Texts,
    TlsRules,
    VersionTable,
    WaiverRule,
    first_problem,
    integer,
    listed,
    matching,
    rule_error,
)
from pgdrift.schema.model import DEFAULT_VERSION_TABLE

CONTEXT_KEY = "pgdrift"
CONTEXT_FILE_KEY = "pgdrift:config_file"
SCHEMA_FILE = Path(__file__).with_name("deploy-config.schema.json")
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


def _error(path: str, problem: str, value: Any) -> ConfigError:
    shown = "" if value is None else f", got {json.dumps(value, default=str)[:80]}"
    return ConfigError(f"reading pgdrift config: {path}: {problem}{shown}", REMEDY)


MAX_PERIOD_MINUTES = 3 * 1440  # two periods must fit CloudWatch's 7-day alarm evaluation range
WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


def schedule_period_minutes(expression: str, path: str) -> int:
    """The longest gap between two runs of a schedule, which the missed-heartbeat alarm waits for;
    raises ConfigError naming `path` (see `_period_minutes`)."""
    try:
        return _period_minutes(expression)
    except PydanticCustomError as error:
        context = error.context or {}
        raise _error(path, str(context["problem"]), context.get("value")) from None


def _period_minutes(expression: str) -> int:
    """Rates are exact. Crons are read conservatively (never shorter than the real gap, so the alarm
    cannot fire between two on-time runs): a `*` or stepped minute runs every N minutes, a `*` or
    stepped hour hourly or every N hours, anything else daily, widened by the largest gap between
    the allowed weekdays. Schedules rarer than every 3 days are refused: the alarm waits two periods
    and CloudWatch evaluates at most 7 days."""
    rate = RATE.match(expression)
    if rate:
        minutes = int(rate.group(1)) * RATE_UNIT_MINUTES[rate.group(2)]
    elif CRON.match(expression):
        minutes = _cron_period_minutes(expression[len("cron("):-1].split(), expression)
    else:
        raise rule_error(SCHEDULE_PROBLEM, expression)
    if not 1 <= minutes <= MAX_PERIOD_MINUTES:
        raise rule_error("must run at least every 3 days (the missed-heartbeat alarm waits two periods, "
                         "and CloudWatch evaluates at most 7 days)", expression)
    return minutes


def _cron_period_minutes(fields: list[str], expression: str) -> int:
    minute, hour, day_of_month, _, day_of_week, _ = fields
    if day_of_month not in ("*", "?"):
        return 31 * 1440  # monthly or rarer
    step = _step(minute, expression)
    if step is not None and hour == "*":
        return step
    step = _step(hour, expression)
    if step is not None:
        return 60 * step
    return 1440 * _largest_weekday_gap(day_of_week, expression)


def _step(field: str, expression: str) -> int | None:
    """N for `*` (1), `*/N` or `A/N`; None for fixed values and lists."""
    if field == "*":
        return 1
    if "/" not in field:
        return None
    try:
        return int(field.split("/")[1])
    except ValueError:
        raise rule_error(f"cannot read the step of cron field {field!r}", expression) from None


def _largest_weekday_gap(field: str, expression: str) -> int:
    if field in ("*", "?"):
        return 1
    days: set[int] = set()
    for part in field.split(","):
        bounds = [_weekday(bound.split("#")[0].rstrip("L"), expression) for bound in part.split("-")]
        days.update(range(bounds[0], bounds[-1] + 1) if bounds[0] <= bounds[-1] else bounds)
    ordered = sorted(days)
    return max(((later - earlier) % 7 or 7) for earlier, later in zip(ordered, ordered[1:] + ordered[:1], strict=True))


def _weekday(token: str, expression: str) -> int:
    if token.upper() in WEEKDAYS:
        return WEEKDAYS[token.upper()]
    if token.isdigit() and 1 <= int(token) <= 7:
        return int(token)
    raise rule_error(f"cannot read the cron day of week {token!r}", expression)


def _is_time_zone(value: Any) -> bool:
    zones = zoneinfo.available_timezones()
    return isinstance(value, str) and (not zones or value in zones)


def _at_least_one_run(limit: int) -> int:
    if limit < CONNECTIONS_PER_RUN:
        raise rule_error(f"one run opens {CONNECTIONS_PER_RUN} connections (the snapshot reads over "
                         f"{CONNECTIONS_PER_RUN}), so the role needs a CONNECTION LIMIT of at least "
                         f"{CONNECTIONS_PER_RUN}", limit)
    return limit


def _runs_often_enough(expression: str) -> str:
    _period_minutes(expression)
    return expression


SCHEDULE_PROBLEM = "expected rate(N minutes|hours|days) or cron(min hour dom month dow year)"
SCHEDULE = re.compile(rf"^(?:{RATE.pattern[1:-1]}|{CRON.pattern[1:-1]})$")
Expression = Annotated[str, Checked(lambda value: isinstance(value, str) and bool(SCHEDULE.match(value)),
                                    SCHEDULE_PROBLEM, (("pattern", SCHEDULE.pattern),)),
                       AfterValidator(_runs_often_enough)]
TimeZone = Annotated[str, Checked(_is_time_zone, "expected an IANA time zone such as Europe/Berlin")]
ConnectionLimit = Annotated[int, Checked(lambda value: isinstance(value, int) and not isinstance(value, bool)
                                         and 1 <= value <= 10000, "expected an integer from 1 to 10000",
                                         (("minimum", CONNECTIONS_PER_RUN), ("maximum", 10000))),
                            AfterValidator(_at_least_one_run)]
SubnetIds = Annotated[tuple[Annotated[str, matching(SUBNET_ID)], ...], listed(NON_EMPTY_LIST)]
AvailabilityZones = Annotated[tuple[Annotated[str, matching(AVAILABILITY_ZONE)], ...], listed(NON_EMPTY_LIST)]
RouteTableIds = Annotated[tuple[Annotated[str, matching(ROUTE_TABLE_ID)], ...], listed()]
PrincipalArns = Annotated[tuple[Annotated[str, matching(PRINCIPAL_ARN)], ...], listed()]
# The monitor may read only this prefix of the bucket.
ExpectedKey = Annotated[str, Checked(lambda value: isinstance(value, str)
                                     and value.startswith(contract.PREFIX_EXPECTED),
                                     f"must start with {contract.PREFIX_EXPECTED}",
                                     (("pattern", f"^{contract.PREFIX_EXPECTED}"),))]


class Section(Rules):
    """A part of the deploy config: its field docstrings are the JSON Schema's descriptions."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class Schedule(Section):
    """When a target is checked: an EventBridge Scheduler `rate(...)` or `cron(...)` in a time zone."""

    expression: Expression
    """rate(N minutes|hours|days) or cron(min hour dom month dow year); at least every 3 days"""
    time_zone: TimeZone = "UTC"
    """IANA time zone of a cron expression, e.g. Europe/Berlin"""

    @property
    def period_minutes(self) -> int:
        """The longest gap between two runs, for the missed-heartbeat alarm."""
        return _period_minutes(self.expression)


class SchemaFilter(Section):
    include: Annotated[tuple[Text, ...], listed(NON_EMPTY_LIST)] = ("public",)
    """schemas (globs) the monitor reads"""
    exclude: Texts = ()
    """schemas (globs) left out of the included ones"""


# The target's settings in the monitor's model, built from the deploy config's names for them.
_SETTINGS_FIELDS = ("tls", "allow_plaintext", "alert", "assume_role_arn", "severity_overrides", "waivers",
                    "version_table")


class Target(Section):
    """One monitored database: where it is and when it is checked, plus `settings`, the monitor's
    own model of the target (pgdrift.rules), which the stack renders into PGDRIFT_TARGETS."""

    name: TargetName
    """lowercase letters, digits and '-': names S3 keys, schedules, alarms and dashboards"""
    secret_arn: Annotated[str, matching(SECRET_ARN)]
    """the Secrets Manager secret with the database's host, port, dbname, username (and password)"""
    vpc_id: Annotated[str, matching(VPC_ID)]
    """the database's VPC; all targets share one"""
    subnet_ids: SubnetIds
    """subnets the monitor runs in (routes to the database and to AWS APIs)"""
    db_security_group_id: Annotated[str, matching(SECURITY_GROUP_ID)]
    """the database's security group; the stack allows the monitor in on `port`"""
    port: Annotated[int, integer(1, 65535)] = 5432
    schedule: Schedule
    schemas: SchemaFilter = SchemaFilter()
    expected_key: ExpectedKey | None = None
    """S3 key of the expected-schema artifact (default expected/<name>/ledger.json.gz)"""
    severity_overrides: Annotated[tuple[SeverityRule, ...], listed()] = ()
    waivers: Annotated[tuple[WaiverRule, ...], listed()] = ()
    tls: TlsRules | None = None
    allow_plaintext: Flag = False
    alert: AlertRules = AlertRules()
    assume_role_arn: Annotated[str, matching(ROLE_ARN)] | None = None
    """a role the monitor assumes to read a secret in another account"""
    version_table: VersionTable = DEFAULT_VERSION_TABLE
    """Alembic's version table when env.py renames it: NAME or SCHEMA.NAME"""
    connection_limit: ConnectionLimit = DEFAULT_CONNECTION_LIMIT
    """the monitoring role's CONNECTION LIMIT (default: monitor.connection_limit)"""
    iam_user: Annotated[str, matching(DB_USER)] | None = None
    """IAM database authentication as this database user (default: the secret's password)"""
    db_resource_id: Annotated[str, matching(DB_RESOURCE_ID)] | None = None
    """the instance's or cluster's resource id (DbiResourceId), needed with iam_user for rds-db:connect"""
    _settings: TargetSettings = PrivateAttr()

    @model_validator(mode="after")
    def _resolve(self) -> Target:
        if self.iam_user is not None and self.db_resource_id is None:
            # rds-db:connect is granted on one database's resource id.
            raise rule_error("is needed with iam_user (the database's DbiResourceId, e.g. "
                             "db-ABCDEFGHIJKLMNOPQRSTUVWXY0, "
                             "from `aws rds describe-db-instances`)", key="db_resource_id")
        self._settings = self._monitor_settings()
        return self

    def _monitor_settings(self) -> TargetSettings:
        """Validated by the monitor's own model, so a config that synthesizes is one the monitor accepts."""
        document: dict[str, Any] = {
            "name": self.name, "secret_arn": self.secret_arn,
            "expected_key": self.expected_key or f"{contract.PREFIX_EXPECTED}{self.name}/ledger.json.gz",
            "include_schemas": self.schemas.include, "exclude_schemas": self.schemas.exclude,
            "auth": "password" if self.iam_user is None else "iam",
        } | {key: getattr(self, key) for key in _SETTINGS_FIELDS}
        try:
            return TargetSettings.model_validate(document)
        except ValidationError as error:
            problem = first_problem(error)
            location = ["iam_user" if part == "auth" else part for part in problem.location]
            raise rule_error(problem.problem, problem.value, key=".".join(map(str, location))) from None

    @property
    def settings(self) -> TargetSettings:
        """Schemas, expected key, severity overrides, waivers, tls, alert, auth: one PGDRIFT_TARGETS entry."""
        return self._settings


class EmailSubscriber(Section):
    address: Annotated[str, matching(EMAIL)]
    min_severity: Severity | None = None
    """None: every message, including alarms and "monitor failed"; else findings at or above it"""


class Alerting(Section):
    email: tuple[EmailSubscriber, ...] = ()
    slack_webhook_secret_arn: Annotated[str, matching(SECRET_ARN)] | None = None
    """a secret holding the Slack incoming-webhook URL"""
    reminder_hours: Annotated[int, integer(0, 24 * 30)] = 24
    """hours between reminders while drift persists; 0: none"""

    @property
    def emails(self) -> tuple[EmailSubscriber, ...]:
        return self.email


class Retention(Section):
    days: Annotated[int, integer(1, 3650)] = 400
    """snapshots, reports and run records expire after this many days"""
    transition_days: Annotated[int, integer(0, 3650)] = 30
    """... and move to S3 Standard-IA after this many (0: off; S3 refuses fewer than 30)"""
    object_lock_days: Annotated[int, integer(0, 3650)] = 0
    """0: off; else S3 Object Lock, governance mode, bucket-wide default retention (at most days)"""

    @model_validator(mode="after")
    def _within_days(self) -> Retention:
        if self.transition_days and not 30 <= self.transition_days < self.days:
            raise rule_error(f"expected 0 (off) or 30 up to days-1 ({self.days - 1})", self.transition_days,
                             key="transition_days")
        # Locked longer than kept would make `days` a promise the bucket cannot keep.
        if self.object_lock_days > self.days:
            raise rule_error(f"expected 0 (off) up to days ({self.days})", self.object_lock_days,
                             key="object_lock_days")
        return self


class Network(Section):
    availability_zones: AvailabilityZones
    """of the monitor's subnets"""
    vpc_endpoints: Flag = True
    """create Secrets Manager and SNS interface endpoints and an S3 gateway endpoint"""
    route_table_ids: RouteTableIds = ()
    """of the monitor's subnets, for the S3 gateway endpoint (required with vpc_endpoints)"""
    s3_prefix_list_id: Annotated[str, matching(PREFIX_LIST_ID)] | None = None
    """com.amazonaws.<region>.s3, for the HTTPS egress rule to S3 (required with vpc_endpoints)"""
    https_egress_cidr: Annotated[str, matching(CIDR)] | None = None
    """without our endpoints: where HTTPS may go (NAT or existing endpoints; required then)"""
    restrict_bucket_to_endpoint: Flag = True
    """deny object access that does not come through the S3 gateway endpoint, except for AWS services
    acting for a caller (Athena) and bucket_access_principals (default: vpc_endpoints)"""
    bucket_access_principals: PrincipalArns = ()
    """roles or users (* allowed) that use the bucket from outside the VPC: CI uploading expected/,
    operators reading history; required while restrict_bucket_to_endpoint is on ([] for none)"""

    @model_validator(mode="before")
    @classmethod
    def _defaults_follow_the_endpoints(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        endpoints = value.get("vpc_endpoints", True)
        restrict = value.get("restrict_bucket_to_endpoint", endpoints)
        if restrict is True and endpoints is True and value.get("bucket_access_principals") is None:
            # Required, not defaulted: an empty list would silently lock CI's ledger uploads out.
            raise rule_error("is required while restrict_bucket_to_endpoint is on: list the roles that use the "
                             "bucket from outside the VPC (CI uploading expected/, operators reading history), [] "
                             "for none, or set restrict_bucket_to_endpoint to false", key="bucket_access_principals")
        return {**value, "restrict_bucket_to_endpoint": restrict}

    @model_validator(mode="after")
    def _endpoint_conditions(self) -> Network:
        if self.restrict_bucket_to_endpoint and not self.vpc_endpoints:
            raise rule_error("needs vpc_endpoints: true (the S3 gateway endpoint this stack creates)", True,
                             key="restrict_bucket_to_endpoint")
        if self.vpc_endpoints and not self.route_table_ids:
            raise rule_error(NON_EMPTY_LIST, [], key="route_table_ids")
        if self.vpc_endpoints and self.s3_prefix_list_id is None:
            raise rule_error("is required", key="s3_prefix_list_id")
        if not self.vpc_endpoints and self.https_egress_cidr is None:
            raise rule_error("is required", key="https_egress_cidr")
        return self


class Monitor(Section):
    reserved_concurrency: Annotated[int, integer(1, 1000)] | None = None
    """concurrent runs; x 2 connections each, never more than any target's connection_limit
    (default: as many as fit the tightest)"""
    connection_limit: ConnectionLimit = DEFAULT_CONNECTION_LIMIT
    """the targets' default connection_limit: the monitoring role's CONNECTION LIMIT"""
    timeout_seconds: Annotated[int, integer(10, 900)] = 60
    memory_mb: Annotated[int, integer(128, 10240)] = 512
    log_retention_days: Annotated[int, integer(1, 3653)] = 365
    ca_bundle: Text | None = None
    """local file (relative to the project) of the RDS CA bundle, copied into the asset"""
    powertools_layer_version: Annotated[int, integer(1, 10000)] = 27
    """of the public AWSLambdaPowertoolsPythonV3-python312-arm64 layer"""
    dashboards: Flag = True
    """one CloudWatch dashboard per target ($3/month each beyond the free three)"""


class DeployConfig(Section):
    """The whole deployment: one stack, one VPC, any number of targets."""

    account: Annotated[str, matching(ACCOUNT)]
    region: Annotated[str, matching(REGION)]
    stack_name: Annotated[str, matching(STACK_NAME)] = "pgdrift"
    network: Network
    monitor: Monitor = Monitor()
    targets: Annotated[tuple[Target, ...], listed("expected at least one target")]
    alerting: Alerting = Alerting()
    retention: Retention = Retention()
    expected_artifacts_path: Text | None = None
    """local directory uploaded under expected/ at deploy time"""

    @model_validator(mode="before")
    @classmethod
    def _targets_default_to_the_monitors_connection_limit(cls, value: Any) -> Any:
        monitor, targets = (value.get("monitor"), value.get("targets")) if isinstance(value, dict) else (None, None)
        limit = monitor.get("connection_limit") if isinstance(monitor, dict) else None
        if limit is None or not isinstance(targets, list):
            return value
        return {**value, "targets": [{"connection_limit": limit, **target} if isinstance(target, dict) else target
                                     for target in targets]}

    @model_validator(mode="after")
    def _resolve(self) -> DeployConfig:
        self._check_targets()
        concurrency = self._reserved_concurrency()
        if concurrency == self.monitor.reserved_concurrency:
            return self
        monitor = self.monitor.model_copy(update={"reserved_concurrency": concurrency})
        return self.model_copy(update={"monitor": monitor})

    def _check_targets(self) -> None:
        seen: set[str] = set()
        for index, target in enumerate(self.targets):
            if target.name in seen:
                raise rule_error("duplicate target name", target.name, key=f"targets[{index}].name")
            seen.add(target.name)
            if target.vpc_id != self.vpc_id:
                # One monitor function lives in one VPC; deploy one stack per VPC (docs/deploying.md).
                raise rule_error(f"all targets must share one VPC ({self.vpc_id}); deploy another stack for "
                                 "another VPC", target.vpc_id, key=f"targets[{index}].vpc_id")

    def _reserved_concurrency(self) -> int:
        """Concurrent runs, each opening CONNECTIONS_PER_RUN connections, must fit the smallest role limit:
        one function serves every target, so all its runs may be of one target (issue 12: four runs
        against CONNECTION LIMIT 3 failed with "too many connections"). Default: as many as fit."""
        tightest = min(self.targets, key=lambda target: target.connection_limit)
        fits = tightest.connection_limit // CONNECTIONS_PER_RUN
        concurrency = self.monitor.reserved_concurrency or fits
        if concurrency > fits:
            raise rule_error(f"{concurrency} concurrent runs x {CONNECTIONS_PER_RUN} connections each exceed the "
                             f"connection limit {tightest.connection_limit} of target {tightest.name}; set it to at "
                             f"most {fits}, or raise the role's CONNECTION LIMIT and connection_limit (monitor or "
                             "target)", concurrency, key="monitor.reserved_concurrency")
        return concurrency

    @property
    def vpc_id(self) -> str:
        return self.targets[0].vpc_id

    @property
    def subnet_ids(self) -> tuple[str, ...]:
        return tuple(sorted({subnet for target in self.targets for subnet in target.subnet_ids}))

    @property
    def db_endpoints(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted({(target.db_security_group_id, target.port) for target in self.targets}))


def parse_config(value: Any) -> DeployConfig:
    """Validate a configuration object; raises ConfigError naming the first bad key."""
    try:
        return DeployConfig.model_validate(value)
    except ValidationError as error:
        problem = first_problem(error)
        raise _error(problem.path, problem.problem, problem.value) from None


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


def json_schema() -> dict[str, Any]:
    """The deploy config's JSON Schema: the bare object, or a cdk.context-style file holding it under
    `pgdrift` (other keys allowed there, `$schema` among them)."""
    schema = DeployConfig.model_json_schema()
    definitions = schema.pop("$defs")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "pgdrift deploy config",
        "description": "Generated by `python -m infra.config --schema` from infra/config.py; see docs/deploying.md",
        "anyOf": [{"$ref": "#/$defs/DeployConfig"},
                  {"type": "object", "required": [CONTEXT_KEY],
                   "properties": {CONTEXT_KEY: {"$ref": "#/$defs/DeployConfig"}}}],
        "$defs": {**definitions, "DeployConfig": schema},
    }


def render_json_schema() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.config", description="The deploy config's JSON Schema.")
    parser.add_argument("--schema", action="store_true", help=f"rewrite {SCHEMA_FILE.name} next to this module")
    if not parser.parse_args(arguments).schema:
        sys.stdout.write(render_json_schema())
        return 0
    SCHEMA_FILE.write_text(render_json_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
