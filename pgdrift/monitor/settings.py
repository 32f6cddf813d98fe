"""The monitor's settings, parsed once from a mapping of environment variables and typed.

The handler passes `os.environ` (or a test's dict); this module never reads the environment
itself. The variable names are declared in `pgdrift.contract`. `PGDRIFT_TARGETS` is a JSON list:

    [{"name": "prod", "secret_arn": "arn:aws:secretsmanager:...",
      "expected_key": "expected/prod/ledger.json.gz",
      "include_schemas": ["public"], "exclude_schemas": ["tmp_*"],
      "tls": {"mode": "verify-full"}, "allow_plaintext": false,
      "alert": {"reminder_hours": 0, "min_severity": "low"},
      "assume_role_arn": null,
      "severity_overrides": [{"pattern": "payment_*", "severity": "critical"}],
      "waivers": [{"pattern": "public.legacy_*", "reason": "INC-42", "owner": "@data",
                   "expires": "2026-03-01"}]}]

TLS is required by default and verified (verify-full) against the CA bundle named by
`PGDRIFT_CA_BUNDLE` (or the target's own `tls.ca_bundle`). Plaintext needs `allow_plaintext: true`.
`severity_overrides` and `waivers` are the drift config file's `[[severity]]` and `[[waiver]]`
entries (see `pgdrift.compare.config`). Each entry is validated by `pgdrift.rules.TargetSettings`, the model
the deploy config's targets are rendered from; a malformed value raises `ConfigError` naming the
field ("[0] (prod).alert.min_severity: expected one of ...").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from pgdrift import contract
from pgdrift.compare.config import DriftConfig
from pgdrift.errors import ConfigError, bounded
from pgdrift.rules import AUTH_METHODS, TARGET_NAME, TLS_MODES, TargetSettings, TlsRules, first_problem, format_path
from pgdrift.schema.model import DEFAULT_VERSION_TABLE

__all__ = ["AUTH_METHODS", "TARGET_NAME", "TLS_MODES", "AlertPolicy", "DbCredentials", "MonitorSettings", "Target",
           "Tls", "parse_db_secret", "parse_settings", "parse_target"]
_REMEDY = f"Fix {contract.ENV_TARGETS} in the stack configuration (see docs/monitor.md, 'Configuration')"


@dataclass(frozen=True)
class AlertPolicy:
    reminder_hours: float = 0.0  # 0 = no reminders while drift persists
    min_severity: str = "low"  # findings below this severity never alert
    #: how long a newly pending migration's findings wait before they alert (a deploy in progress)
    pending_grace_minutes: float = 60.0


@dataclass(frozen=True)
class Tls:
    """How to connect: `sslmode` for pg8000 plus the CA bundle that verifies the server."""

    sslmode: str  # verify-full, verify-ca, require or disable (only with allow_plaintext)
    ca_bundle: str | None


@dataclass(frozen=True)
class Target:
    name: str
    secret_arn: str
    expected_key: str | None
    tls: Tls
    include_schemas: tuple[str, ...] = ()
    exclude_schemas: tuple[str, ...] = ()
    alert: AlertPolicy = AlertPolicy()
    assume_role_arn: str | None = None
    drift_config: DriftConfig | None = None  # severity overrides and waivers, as in the config file
    version_table: str = DEFAULT_VERSION_TABLE  # Alembic's version table: NAME or SCHEMA.NAME
    #: "password" (the secret's) or "iam": an RDS IAM token signed per run (the secret then needs
    #: no password); IAM authentication needs TLS
    auth: str = "password"
    region: str | None = None  # the database's region, for IAM tokens (default: the function's)


@dataclass(frozen=True)
class MonitorSettings:
    targets: Mapping[str, Target]
    bucket: str
    topic_arn: str | None

    def target(self, name: str) -> Target:
        found = self.targets.get(name)
        if found is None:
            raise self.unknown_target(name)
        return found

    def unknown_target(self, name: str) -> ConfigError:
        """The error for a target these settings lack; the name is the caller's, so it is bounded."""
        known = sorted(self.targets)
        listed = ", ".join(known[:20]) + (f" and {len(known) - 20} more" if len(known) > 20 else "")
        return ConfigError(f"running the monitor: unknown target {bounded(name)} (configured: {listed or 'none'})",
                           "Use one of the configured target names")


def _where(value: Any, position: int) -> str:
    """`[0]`, or `[0] (prod)` once the entry has a name to show."""
    name = value.get("name") if isinstance(value, dict) else None
    return f"[{position}] ({name})" if isinstance(name, str) and TARGET_NAME.match(name) else f"[{position}]"


def validate_target(value: Any, position: int) -> TargetSettings:
    """One entry of PGDRIFT_TARGETS, validated by pgdrift.rules (as the deploy config's targets are)."""
    try:
        return TargetSettings.model_validate(value)
    except ValidationError as error:
        problem = first_problem(error)
        path = format_path(problem.location)
        where = _where(value, position) + (f".{path}" if path and not path.startswith("[") else path)
        raise ConfigError(f"reading {contract.ENV_TARGETS}: {where}: {problem.problem}{problem.shown_value()}",
                          _REMEDY) from None


def resolve_tls(rules: TargetSettings, where: str, default_ca_bundle: str | None) -> Tls:
    """How to connect: the target's TLS rules with the deployment's CA bundle as the default."""
    if rules.plaintext:
        return Tls(sslmode="disable", ca_bundle=None)
    tls = rules.tls or TlsRules()
    ca_bundle = tls.ca_bundle or default_ca_bundle
    if tls.mode in ("verify-full", "verify-ca") and not ca_bundle:
        raise ConfigError(f"reading {contract.ENV_TARGETS}: {where}.tls: mode {tls.mode} needs a CA bundle but "
                          "none is configured",
                          f"Set {contract.ENV_CA_BUNDLE} (e.g. the RDS global bundle) or tls.ca_bundle")
    return Tls(sslmode=tls.mode, ca_bundle=ca_bundle)


def drift_config(rules: TargetSettings) -> DriftConfig | None:
    """The target's severity overrides and waivers, as the config file's rules."""
    if not rules.severity_overrides and not rules.waivers:
        return None
    return DriftConfig(severity=rules.severity_overrides, waivers=rules.waivers)


def parse_target(value: Any, position: int, default_reminder_hours: float, ca_bundle: str | None) -> Target:
    rules = validate_target(value, position)
    alert = rules.alert
    reminder = default_reminder_hours if alert.reminder_hours is None else alert.reminder_hours
    return Target(
        name=rules.name,
        secret_arn=rules.secret_arn,
        expected_key=rules.expected_key,
        tls=resolve_tls(rules, _where(value, position), ca_bundle),
        include_schemas=rules.include_schemas,
        exclude_schemas=rules.exclude_schemas,
        alert=AlertPolicy(reminder_hours=float(reminder), min_severity=alert.min_severity,
                          pending_grace_minutes=float(alert.pending_grace_minutes)),
        assume_role_arn=rules.assume_role_arn,
        drift_config=drift_config(rules),
        version_table=rules.version_table,
        auth=rules.auth,
        region=rules.region,
    )


def _default_reminder_hours(text: str | None) -> float:
    if text is None or text == "":
        return 0.0
    try:
        hours = float(text)
    except ValueError:
        hours = -1.0
    if hours < 0:
        raise ConfigError(f"reading {contract.ENV_REMINDER_HOURS}: {text!r} is not a number of hours >= 0",
                          "Use 0 to turn reminders off")
    return hours


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"reading the monitor settings: {name} is not set",
                          "The stack sets it; check the function's environment")
    return value


def parse_settings(environ: Mapping[str, str]) -> MonitorSettings:
    """The monitor's settings from its environment variables; ConfigError names the bad field."""
    raw = _required(environ, contract.ENV_TARGETS)
    try:
        documents = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"reading {contract.ENV_TARGETS}: not valid JSON: {error}", _REMEDY) from None
    if not isinstance(documents, list) or not documents:
        raise ConfigError(f"reading {contract.ENV_TARGETS}: must be a non-empty JSON list of targets",
                          _REMEDY)
    reminder = _default_reminder_hours(environ.get(contract.ENV_REMINDER_HOURS))
    ca_bundle = environ.get(contract.ENV_CA_BUNDLE) or None
    targets: dict[str, Target] = {}
    for position, document in enumerate(documents):
        target = parse_target(document, position, reminder, ca_bundle)
        if target.name in targets:
            raise ConfigError(f"reading {contract.ENV_TARGETS}: target name {target.name!r} appears twice",
                              "Give each target its own name")
        targets[target.name] = target
    return MonitorSettings(targets=targets, bucket=_required(environ, contract.ENV_BUCKET),
                           topic_arn=environ.get(contract.ENV_TOPIC_ARN) or None)


@dataclass(frozen=True)
class DbCredentials:
    """An RDS-format secret. The password never appears in repr, logs or errors."""

    host: str
    port: int
    username: str
    dbname: str
    password: str = field(repr=False, default="")


_SECRET_KEYS = ("host", "port", "username", "password", "dbname")


def parse_db_secret(document: Any, secret_name: str, password_required: bool = True) -> DbCredentials:
    """Validate the RDS secret JSON {host, port, username, password, dbname}; name what is missing
    (the password may be absent with IAM authentication)."""
    if not isinstance(document, dict):
        raise ConfigError(f"reading secret {secret_name}: not a JSON object",
                          "Store the RDS secret format: {host, port, username, password, dbname}")
    keys = _SECRET_KEYS if password_required else tuple(key for key in _SECRET_KEYS if key != "password")
    missing = [key for key in keys if key not in document or document[key] in (None, "")]
    if missing:
        raise ConfigError(f"reading secret {secret_name}: missing key(s) {', '.join(missing)}",
                          "Store the RDS secret format: {host, port, username, password, dbname}")
    try:
        port = int(document["port"])
    except (TypeError, ValueError):
        raise ConfigError(f"reading secret {secret_name}: port {document['port']!r} is not a number",
                          "Set port to the database port, e.g. 5432") from None
    return DbCredentials(host=str(document["host"]), port=port, username=str(document["username"]),
                         dbname=str(document["dbname"]), password=str(document.get("password") or ""))
