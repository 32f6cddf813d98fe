"""The drift config file (TOML): severity overrides and waivers, matched by object pattern.

    [[severity]]
    pattern = "payment_*"        # glob on the object's qualified or own name, or its table's
    severity = "critical"
    kind = "table"               # optional: only this kind
    change = "missing"           # optional: only this change type

    [[waiver]]
    pattern = "public.legacy_*"
    reason = "dropped by hand in INC-42; migration 20260301 follows"
    owner = "@data-platform"
    expires = 2026-03-01         # a TOML date (or "2026-03-01")

    [renames]
    enabled = true               # rename detection (default on)

Each entry is validated by `pgdrift.rules` (the same model the monitor and the deploy config use).
The first matching rule of each kind wins. A waived finding stays in every report, marked as
waived; once the expiry date has passed it counts again and says so. A malformed file is a
`ConfigError` that names the file and the line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pgdrift.compare.findings import Change, Waiver
from pgdrift.errors import ConfigError
from pgdrift.rules import SeverityRule, WaiverRule, first_problem, format_path
from pgdrift.schema.identity import matches_any, split_qualified
from pgdrift.vocabulary import ChangeType, Severity

__all__ = ["DriftConfig", "SeverityRule", "WaiverRule", "apply_config", "parse_config", "read_config"]

_FORMAT = "see docs/drift-rules.md, 'The config file', for the format"


@dataclass(frozen=True)
class DriftConfig:
    severity: tuple[SeverityRule, ...] = ()
    waivers: tuple[WaiverRule, ...] = ()
    renames: bool = True
    today: date | None = None  # when waivers expire is judged against; None means today (UTC)


_SECTIONS = {"severity": SeverityRule, "waiver": WaiverRule, "renames": None}


class _Lines:
    """Finds the line of the n-th `[[section]]` entry, or of a key inside it, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def entry(self, section: str, index: int, key: str | None = None) -> int:
        header = re.compile(rf"^\s*\[\[\s*{re.escape(section)}\s*\]\]")
        starts = [number for number, line in enumerate(self.lines) if header.match(line)]
        if index >= len(starts):
            return self.key(key) if key else 1
        start = starts[index]
        if key is not None:
            key_line = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for number in range(start + 1, len(self.lines)):
                if self.lines[number].lstrip().startswith("["):
                    break
                if key_line.match(self.lines[number]):
                    return number + 1
        return start + 1

    def key(self, key: str | None) -> int:
        pattern = re.compile(rf"^\s*\[*\s*{re.escape(key or '')}\b")
        return next((n + 1 for n, line in enumerate(self.lines) if pattern.match(line)), 1)


def parse_config(text: str, source: str = "config") -> DriftConfig:
    """Parse the TOML text of a config file; `source` names it in errors."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"reading {source}: invalid TOML: {error}", f"Fix the line named above ({_FORMAT})") from None
    lines = _Lines(text)
    unknown = sorted(set(document) - set(_SECTIONS))
    if unknown:
        raise _error(source, lines.key(unknown[0]), f"unknown section {unknown[0]!r}; "
                     f"expected one of {', '.join(sorted(_SECTIONS))}")
    return DriftConfig(severity=_rules(document, "severity", source, lines),
                       waivers=_rules(document, "waiver", source, lines),
                       renames=_renames_enabled(document, source, lines))


def read_config(path: str | Path) -> DriftConfig:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        detail = getattr(error, "strerror", None) or str(error)
        raise ConfigError(f"reading config {path}: {detail}",
                          "Pass an existing TOML file to --config") from None
    return parse_config(text, str(path))


def _error(source: str, line: int, message: str) -> ConfigError:
    return ConfigError(f"reading {source}, line {line}: {message}", _FORMAT[0].upper() + _FORMAT[1:])


def _entries(document: dict[str, Any], section: str, source: str, lines: _Lines) -> list[dict[str, Any]]:
    value = document.get(section, [])
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise _error(source, lines.key(section), f"{section} must be a list of tables: write [[{section}]]")
    return value


def _rules(document: dict[str, Any], section: str, source: str, lines: _Lines) -> tuple[Any, ...]:
    """The `[[section]]` entries, each validated by its model in pgdrift.rules."""
    model = _SECTIONS[section]
    assert model is not None
    rules = []
    for index, entry in enumerate(_entries(document, section, source, lines)):
        try:
            rules.append(model.model_validate(entry))
        except ValidationError as error:
            problem = first_problem(error)
            key = next((part for part in problem.location if isinstance(part, str)), None)
            line = lines.entry(section, index, key if key in entry else None)
            raise _error(source, line, f"{format_path((section, index, *problem.location))}: "
                                       f"{problem.problem}{problem.shown_value()}") from None
    return tuple(rules)


def _renames_enabled(document: dict[str, Any], source: str, lines: _Lines) -> bool:
    section = document.get("renames", {})
    if not isinstance(section, dict) or set(section) - {"enabled"} or \
            not isinstance(section.get("enabled", True), bool):
        raise _error(source, lines.key("renames"), "[renames] takes only enabled = true|false")
    return bool(section.get("enabled", True))


# ---------------------------------------------------------------------------------------------
# Applying the rules


def _own_name(key: str) -> str:
    parts = split_qualified(key.split("(", 1)[0])
    return parts[-1] if parts else key


def names_of(change: Change) -> tuple[str, ...]:
    """Every name a pattern may match: the object's and its table's, qualified and bare."""
    names = [change.object, _own_name(change.object)]
    if change.table:
        names += [change.table, _own_name(change.table)]
    if change.change == ChangeType.RENAMED and isinstance(change.actual, str):
        names += [change.actual, _own_name(change.actual)]
    if change.kind == "privilege":
        value = change.expected if isinstance(change.expected, dict) else change.actual
        if isinstance(value, dict) and isinstance(value.get("object"), str):
            names += [value["object"], _own_name(value["object"])]
    return tuple(dict.fromkeys(names))


def _applies(rule: SeverityRule | WaiverRule, change: Change, names: tuple[str, ...]) -> bool:
    if rule.kind is not None and rule.kind != change.kind:
        return False
    if rule.change is not None and rule.change != change.change:
        return False
    return any(matches_any(name, (rule.pattern,)) for name in names)


def apply_config(changes: Iterable[Change], config: DriftConfig) -> list[Change]:
    """Severity overrides, then waivers (active or expired), each noted in the reason."""
    today = config.today or datetime.now(UTC).date()
    result = []
    for change in changes:
        names = names_of(change)
        rule = next((rule for rule in config.severity if _applies(rule, change, names)), None)
        if rule is not None and rule.severity != change.severity:
            change = replace(change, severity=Severity(rule.severity),
                             reason=f"{change.reason} [severity {rule.severity} by rule {rule.pattern!r}]")
        waiver = next((w for w in config.waivers if _applies(w, change, names)), None)
        if waiver is not None:
            change = _waive(change, waiver, today)
        result.append(change)
    return result


def _waive(change: Change, rule: WaiverRule, today: date) -> Change:
    expired = rule.expires < today
    waiver = Waiver(rule.pattern, rule.reason, rule.owner, rule.expires.isoformat(), expired)
    if expired:
        note = f"[waiver by {rule.owner} expired on {waiver.expires}: active again]"
    else:
        note = f"[waived by {rule.owner} until {waiver.expires}: {rule.reason}]"
    return replace(change, waiver=waiver, reason=f"{change.reason} {note}")
