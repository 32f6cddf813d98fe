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
entries (see `pgdrift.config`). A malformed value raises `ConfigError` naming the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pgdrift import contract
from pgdrift.config import DriftConfig, SeverityRule, WaiverRule
from pgdrift.errors import ConfigError, bounded
from pgdrift.model import DEFAULT_VERSION_TABLE, VERSION_TABLE_NAME
from pgdrift.registry import BY_NAME
from pgdrift.report import CHANGE_TYPES, SEVERITIES

TLS_MODES = ("verify-full", "verify-ca", "require")
AUTH_METHODS = ("password", "iam")
TARGET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_TARGET_FIELDS = {"name", "secret_arn", "expected_key", "include_schemas", "exclude_schemas", "tls",
                  "allow_plaintext", "alert", "assume_role_arn", "severity_overrides", "waivers", "version_table",
                  "auth", "region"}
_RULE_FIELDS = {"severity_overrides": ({"pattern", "severity"}, {"kind", "change"}),
                "waivers": ({"pattern", "reason", "owner", "expires"}, {"kind", "change"})}
_REMEDY = f"Fix {contract.ENV_TARGETS} in the stack configuration (see the README, 'The serverless monitor')"


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


def _field(where: str, name: str) -> str:
    return f"reading {contract.ENV_TARGETS}: {where}.{name}"


def _string(value: Any, where: str, name: str, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{_field(where, name)} must be a non-empty string (got {value!r})", _REMEDY)
    return value


def _strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ConfigError(f"{_field(where, name)} must be a list of strings (got {value!r})", _REMEDY)
    return tuple(value)


def _boolean(value: Any, where: str, name: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ConfigError(f"{_field(where, name)} must be true or false (got {value!r})", _REMEDY)
    return value


def _non_negative(value: Any, where: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{_field(where, name)} must be a number >= 0 (got {value!r})", _REMEDY)
    return float(value)


def parse_alert_policy(value: Any, where: str, default_reminder_hours: float) -> AlertPolicy:
    if value is None:
        return AlertPolicy(reminder_hours=default_reminder_hours)
    if not isinstance(value, dict) or set(value) - {"reminder_hours", "min_severity", "pending_grace_minutes"}:
        raise ConfigError(f"{_field(where, 'alert')} must be an object with reminder_hours, min_severity "
                          f"and/or pending_grace_minutes (got {value!r})", _REMEDY)
    severity = value.get("min_severity", "low")
    if severity not in SEVERITIES:
        raise ConfigError(f"{_field(where, 'alert.min_severity')} must be one of {', '.join(SEVERITIES)} "
                          f"(got {severity!r})", _REMEDY)
    reminder = value.get("reminder_hours", default_reminder_hours)
    grace = value.get("pending_grace_minutes", AlertPolicy.pending_grace_minutes)
    return AlertPolicy(reminder_hours=_non_negative(reminder, where, "alert.reminder_hours"), min_severity=severity,
                       pending_grace_minutes=_non_negative(grace, where, "alert.pending_grace_minutes"))


def parse_tls(value: Any, allow_plaintext: bool, where: str, default_ca_bundle: str | None) -> Tls:
    if allow_plaintext and value is None:
        return Tls(sslmode="disable", ca_bundle=None)
    value = {} if value is None else value
    if not isinstance(value, dict) or set(value) - {"mode", "ca_bundle"}:
        raise ConfigError(f"{_field(where, 'tls')} must be an object with mode and/or ca_bundle "
                          f"(got {value!r})", _REMEDY)
    mode = value.get("mode", "verify-full")
    if mode == "disable" and not allow_plaintext:
        raise ConfigError(f"{_field(where, 'tls.mode')} is 'disable' but plaintext is not allowed",
                          "Set allow_plaintext: true on the target if you really mean it")
    if mode not in (*TLS_MODES, "disable"):
        raise ConfigError(f"{_field(where, 'tls.mode')} must be one of {', '.join(TLS_MODES)} (got {mode!r})",
                          _REMEDY)
    ca_bundle = _string(value.get("ca_bundle"), where, "tls.ca_bundle", required=False) or default_ca_bundle
    if mode in ("verify-full", "verify-ca") and not ca_bundle:
        raise ConfigError(f"{_field(where, 'tls')}: mode {mode} needs a CA bundle but none is configured",
                          f"Set {contract.ENV_CA_BUNDLE} (e.g. the RDS global bundle) or tls.ca_bundle")
    return Tls(sslmode=mode, ca_bundle=ca_bundle)


def _rule(value: Any, where: str, section: str) -> dict[str, str]:
    required, optional = _RULE_FIELDS[section]
    if not isinstance(value, dict) or not required <= set(value) or set(value) - required - optional:
        raise ConfigError(f"{_field(where, section)}: each entry needs {', '.join(sorted(required))} "
                          f"(optional: {', '.join(sorted(optional))}), got {value!r}", _REMEDY)
    if not all(isinstance(item, str) and item for item in value.values()):
        raise ConfigError(f"{_field(where, section)}: every value must be a non-empty string (got {value!r})",
                          _REMEDY)
    if value.get("kind", "table") not in BY_NAME or value.get("change", "missing") not in CHANGE_TYPES:
        raise ConfigError(f"{_field(where, section)}: unknown kind or change in {value!r}",
                          f"Kinds: {', '.join(sorted(BY_NAME))}; changes: {', '.join(CHANGE_TYPES)}")
    return value


def parse_drift_config(severity: Any, waivers: Any, where: str) -> DriftConfig | None:
    """The target's severity overrides and waivers (shaped like the config file's entries)."""
    if severity is None and waivers is None:
        return None
    for section, entries in (("severity_overrides", severity), ("waivers", waivers)):
        if entries is not None and not isinstance(entries, list):
            raise ConfigError(f"{_field(where, section)} must be a list (got {entries!r})", _REMEDY)
    rules = [_rule(entry, where, "severity_overrides") for entry in severity or ()]
    if any(rule["severity"] not in SEVERITIES for rule in rules):
        raise ConfigError(f"{_field(where, 'severity_overrides')}: severity must be one of {', '.join(SEVERITIES)}",
                          _REMEDY)
    waived = [_rule(entry, where, "waivers") for entry in waivers or ()]
    try:
        waiver_rules = tuple(WaiverRule(entry["pattern"], entry["reason"], entry["owner"],
                                        date.fromisoformat(entry["expires"]), entry.get("kind"), entry.get("change"))
                             for entry in waived)
    except ValueError:
        raise ConfigError(f"{_field(where, 'waivers')}: expires must be a date, YYYY-MM-DD", _REMEDY) from None
    return DriftConfig(severity=tuple(SeverityRule(rule["pattern"], rule["severity"], rule.get("kind"),
                                                   rule.get("change")) for rule in rules),
                       waivers=waiver_rules)


def parse_target(value: Any, position: int, default_reminder_hours: float, ca_bundle: str | None) -> Target:
    where = f"[{position}]"
    if not isinstance(value, dict):
        raise ConfigError(f"reading {contract.ENV_TARGETS}: {where} must be an object (got {value!r})",
                          _REMEDY)
    unknown = sorted(set(value) - _TARGET_FIELDS)
    if unknown:
        raise ConfigError(f"reading {contract.ENV_TARGETS}: {where} has unknown field(s) "
                          f"{', '.join(unknown)}",
                          f"Known fields: {', '.join(sorted(_TARGET_FIELDS))}")
    name = _string(value.get("name"), where, "name")
    assert name is not None
    if not TARGET_NAME.match(name):
        raise ConfigError(f"{_field(where, 'name')} {name!r} may hold only letters, digits, '_', '.' and '-'",
                          "Target names become S3 key parts; rename the target")
    where = f"[{position}] ({name})"
    allow_plaintext = _boolean(value.get("allow_plaintext"), where, "allow_plaintext")
    secret_arn = str(_string(value.get("secret_arn"), where, "secret_arn"))
    tls = parse_tls(value.get("tls"), allow_plaintext, where, ca_bundle)
    auth = value.get("auth", "password")
    if auth not in AUTH_METHODS:
        raise ConfigError(f"{_field(where, 'auth')} must be one of {', '.join(AUTH_METHODS)} (got {bounded(auth)})",
                          _REMEDY)
    if auth == "iam" and tls.sslmode == "disable":
        raise ConfigError(f"{_field(where, 'auth')}: IAM database authentication needs TLS, but tls is disabled",
                          "Remove allow_plaintext, or use auth: password")
    return Target(
        name=name,
        secret_arn=secret_arn,
        expected_key=_string(value.get("expected_key"), where, "expected_key", required=False),
        tls=tls,
        include_schemas=_strings(value.get("include_schemas"), where, "include_schemas"),
        exclude_schemas=_strings(value.get("exclude_schemas"), where, "exclude_schemas"),
        alert=parse_alert_policy(value.get("alert"), where, default_reminder_hours),
        assume_role_arn=_string(value.get("assume_role_arn"), where, "assume_role_arn", required=False),
        drift_config=parse_drift_config(value.get("severity_overrides"), value.get("waivers"), where),
        version_table=_version_table(value.get("version_table"), where),
        auth=auth,
        region=_string(value.get("region"), where, "region", required=False),
    )


def _version_table(value: Any, where: str) -> str:
    if value is None:
        return DEFAULT_VERSION_TABLE
    if not isinstance(value, str) or not VERSION_TABLE_NAME.fullmatch(value):
        raise ConfigError(f"{_field(where, 'version_table')} must be a table name or schema.name, unquoted "
                          f"(got {value!r})", _REMEDY)
    return value


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
