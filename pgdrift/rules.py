"""One validated model of the rules pgdrift reads wherever they come from (issue 14).

Severity overrides, waivers and a monitored target's settings are parsed by these pydantic models
whether they arrive as the drift config file (TOML, `pgdrift.compare.config`), the monitor's
`PGDRIFT_TARGETS` (JSON, `pgdrift.monitor.settings`) or the deploy config (cdk context, `infra.config`),
so a rule one of them accepts the others accept too. The models are frozen and forbid unknown keys.

Every problem is phrased once, here ("expected one of ...", "is required"); `first_problem` turns
pydantic's `ValidationError` into a key path, that phrase and the bad value, and each caller places
them in its own `ConfigError` (a TOML line, `[0] (prod).alert`, `targets[0].port`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from pgdrift.compare.findings import CHANGE_TYPES, SEVERITIES
from pgdrift.schema.kinds import BY_NAME
from pgdrift.schema.model import DEFAULT_VERSION_TABLE, VERSION_TABLE_NAME

TLS_MODES = ("verify-full", "verify-ca", "require")
AUTH_METHODS = ("password", "iam")
#: One rule for target names, the deploy config's: a name becomes an S3 key part (target=NAME),
#: a metric dimension, and part of EventBridge schedule, alarm and dashboard names; dashboards
#: refuse '.', and lowercase keeps Athena's partition values and the schedule names unambiguous.
TARGET_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
VERSION_TABLE = re.compile(rf"^{VERSION_TABLE_NAME.pattern}$")
_RULE = "pgdrift_rule"


def rule_error(problem: str, value: Any = None, key: str | None = None) -> PydanticCustomError:
    """A validation problem in pgdrift's words; `key` (dotted) names the field below the model."""
    return PydanticCustomError(_RULE, "{problem}", {"problem": problem, "value": value, "key": key})


# ---------------------------------------------------------------------------------------------
# Field types: each checks its value itself, so the message is ours, and declares its JSON Schema


@dataclass(frozen=True)
class Checked:
    """Field metadata: `test` decides before pydantic converts, `problem` says what was expected,
    `schema` adds to the field's JSON Schema; `convert` turns an accepted value into the field's type."""

    test: Callable[[Any], bool]
    problem: str
    schema: tuple[tuple[str, Any], ...] = ()  # pairs, not a dict: metadata must be hashable
    convert: Callable[[Any], Any] | None = None

    def _validate(self, value: Any) -> Any:
        if not self.test(value):
            raise rule_error(self.problem, value)
        return self.convert(value) if self.convert else value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self._validate, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(schema), **{key: list(value) if isinstance(value, tuple) else value
                                      for key, value in self.schema}}


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def matching(pattern: re.Pattern[str], hint: str = "") -> Checked:
    """A string matching `pattern`; `hint` says in words what that means."""
    return Checked(lambda value: isinstance(value, str) and bool(pattern.match(value)),
                   f"expected a string matching {pattern.pattern}" + (f" ({hint})" if hint else ""),
                   (("pattern", pattern.pattern),))


def integer(low: int, high: int) -> Checked:
    return Checked(lambda value: _is_integer(value) and low <= value <= high,
                   f"expected an integer from {low} to {high}", (("minimum", low), ("maximum", high)))


def one_of(values: Sequence[str]) -> Checked:
    return Checked(lambda value: value in values, f"expected one of {', '.join(values)}", (("enum", tuple(values)),))


def listed(empty: str | None = None) -> Checked:
    """A JSON/TOML list, kept as a tuple; `empty` set: an empty list is that problem."""
    def test(value: Any) -> bool:
        return isinstance(value, list | tuple) and (not empty or bool(value))
    problem = "expected a list" if empty is None else empty
    return Checked(test, problem, (("minItems", 1),) if empty else (), tuple)


NON_EMPTY_LIST = "expected a non-empty list"


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise rule_error("expected an ISO date (YYYY-MM-DD), e.g. 2026-03-01", value)


Text = Annotated[str, Checked(_is_text, "expected a non-empty string", (("minLength", 1),))]
Flag = Annotated[bool, Checked(lambda value: isinstance(value, bool), "expected true or false")]
NonNegative = Annotated[float, Checked(lambda value: isinstance(value, int | float) and not isinstance(value, bool)
                                       and value >= 0, "expected a number >= 0", (("minimum", 0),))]
IsoDate = Annotated[date, BeforeValidator(_as_date)]
Severity = Annotated[str, one_of(SEVERITIES)]
Kind = Annotated[str, one_of(tuple(BY_NAME))]
ChangeType = Annotated[str, one_of(CHANGE_TYPES)]
TargetName = Annotated[str, matching(TARGET_NAME, "it may hold only letters, digits and '-', lowercase, starting "
                                                  "with a letter: it names S3 keys, schedules and alarms")]
VersionTable = Annotated[str, matching(VERSION_TABLE, "Alembic's version table: NAME or SCHEMA.NAME, unquoted")]
TlsMode = Annotated[str, one_of((*TLS_MODES, "disable"))]
AuthMethod = Annotated[str, one_of(AUTH_METHODS)]
Texts = Annotated[tuple[Text, ...], listed()]


class Rules(BaseModel):
    """Frozen, unknown keys refused (naming the allowed ones), values checked by their field types."""

    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")

    @model_validator(mode="before")
    @classmethod
    def _an_object_of_known_keys(cls, value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value
        if not isinstance(value, dict):
            raise rule_error("expected an object", value)
        unknown = sorted(set(value) - set(cls.model_fields))
        if unknown:
            raise rule_error(f"unknown key (allowed: {', '.join(cls.model_fields)})", key=str(unknown[0]))
        return value


# ---------------------------------------------------------------------------------------------
# The rules


class SeverityRule(Rules):
    """`[[severity]]` in the config file, `severity_overrides` of a target."""

    pattern: Text  # glob on the object's qualified or own name, or its table's
    severity: Severity
    kind: Kind | None = None  # only this kind of object
    change: ChangeType | None = None  # only this change type


class WaiverRule(Rules):
    """`[[waiver]]` in the config file, `waivers` of a target: the finding stays, marked waived."""

    pattern: Text
    reason: Text
    owner: Text
    expires: IsoDate  # after this day the finding counts again
    kind: Kind | None = None
    change: ChangeType | None = None


class AlertRules(Rules):
    """A target's alert policy."""

    #: hours between reminders while drift persists; 0: none; unset: the deployment's default
    reminder_hours: NonNegative | None = None
    min_severity: Severity = "low"  # findings below this severity never alert
    #: how long a newly pending migration's findings wait before they alert (a deploy in progress)
    pending_grace_minutes: NonNegative = 60.0


class TlsRules(Rules):
    """How the monitor connects: verified TLS unless the target allows plaintext."""

    mode: TlsMode = "verify-full"
    ca_bundle: Text | None = None  # default: the deployment's bundle (PGDRIFT_CA_BUNDLE)


class TargetSettings(Rules):
    """One monitored database as the monitor reads it: one entry of `PGDRIFT_TARGETS`."""

    name: TargetName
    secret_arn: Text
    expected_key: Text | None = None
    include_schemas: Texts = ()
    exclude_schemas: Texts = ()
    tls: TlsRules | None = None
    allow_plaintext: Flag = False
    alert: AlertRules = AlertRules()
    assume_role_arn: Text | None = None
    severity_overrides: Annotated[tuple[SeverityRule, ...], listed()] = ()
    waivers: Annotated[tuple[WaiverRule, ...], listed()] = ()
    version_table: VersionTable = DEFAULT_VERSION_TABLE
    #: "password" (the secret's) or "iam": an RDS IAM token signed per run; IAM needs TLS
    auth: AuthMethod = "password"
    region: Text | None = None  # the database's region, for IAM tokens (default: the function's)

    @model_validator(mode="after")
    def _tls_unless_plaintext_is_allowed(self) -> TargetSettings:
        if self.tls is not None and self.tls.mode == "disable" and not self.allow_plaintext:
            raise rule_error("is 'disable' but plaintext is not allowed: set allow_plaintext: true on the target "
                             "if you really mean it", "disable", key="tls.mode")
        if self.auth == "iam" and self.plaintext:
            raise rule_error("IAM database authentication needs TLS, but tls is disabled: remove allow_plaintext, "
                             "or use auth: password", "iam", key="auth")
        return self

    @property
    def plaintext(self) -> bool:
        """Connect without TLS: allowed, and no TLS asked for (or TLS explicitly disabled)."""
        return self.allow_plaintext and (self.tls is None or self.tls.mode == "disable")


# ---------------------------------------------------------------------------------------------
# Errors


@dataclass(frozen=True)
class Problem:
    """One validation problem: where (keys and list indexes), what, and the value found."""

    location: tuple[str | int, ...]
    problem: str
    value: Any = None

    @property
    def path(self) -> str:
        """`targets[0].port`, `alert.min_severity`."""
        return format_path(self.location)

    def shown_value(self) -> str:
        """`, got ...` (at most 80 characters of JSON), or nothing when there is no value to show."""
        if self.value is None:
            return ""
        return f", got {json.dumps(self.value, default=str)[:80]}"


def format_path(location: Sequence[str | int]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_PHRASES = {"missing": "is required", "model_type": "expected an object", "dict_type": "expected an object",
            "tuple_type": "expected a list", "list_type": "expected a list", "bool_type": "expected true or false",
            "string_type": "expected a string", "int_type": "expected an integer",
            "float_type": "expected a number"}


def first_problem(error: ValidationError) -> Problem:
    """The first problem pydantic found, in pgdrift's words."""
    detail = error.errors()[0]
    location = tuple(detail["loc"])
    context = detail.get("ctx") or {}
    if detail["type"] == _RULE:
        key = context.get("key")
        extra = tuple(key.split(".")) if key else ()
        return Problem(location + extra, str(context["problem"]), context.get("value"))
    problem = _PHRASES.get(detail["type"], detail["msg"][:1].lower() + detail["msg"][1:])
    value = None if detail["type"] == "missing" else detail.get("input")
    return Problem(location, problem, value)
