"""Default severities and one-line reasons for findings.

The expected side is what the application was written against, so a finding is graded by what
goes wrong for that application on the actual (live) side:

- critical: its queries fail (a missing or renamed table or column, an incompatible type change);
- high: data integrity or behaviour changes (missing constraints, nullability, missing unique
  indexes, missing or altered views, routines, triggers, policies, types, sequences, schemas);
- medium: performance or untracked objects (other missing indexes, unexpected objects, compatible
  type widening, other attribute changes);
- low: documentation and access (comments, privileges), and partitions made at run time.

`pgdrift.compare.config` may override any of these by object pattern.
"""

from __future__ import annotations

from typing import Any

from pgdrift.compare.findings import Change
from pgdrift.compare.type_rules import widens
from pgdrift.schema.kinds import BY_NAME
from pgdrift.vocabulary import ChangeType, Severity

#: Attributes of an altered object that are graded high whatever the kind.
_HIGH_ATTRIBUTES = {"not_null", "validated", "enforced", "rls_enabled", "rls_forced", "unique",
                    "security_definer", "deferrable", "deferred", "check", "constraints",
                    "identity"}

def default_severity(change: Change) -> Severity:
    """The severity of a finding before any configured override."""
    if change.kind == "privilege" or change.attribute in ("comment", "partitions"):
        return Severity.LOW
    if change.change == ChangeType.RENAMED:  # only tables and columns are named by queries
        return Severity.CRITICAL if change.kind in ("table", "column") else Severity.LOW
    if change.change == ChangeType.MISSING:
        return _missing_severity(change)
    if change.change == ChangeType.UNEXPECTED:
        return Severity.MEDIUM
    return _altered_severity(change)


def _missing_severity(change: Change) -> Severity:
    if change.kind == "index":
        return Severity.HIGH if (change.expected or {}).get("unique") else Severity.MEDIUM
    if change.kind == "enum" and change.attribute == "labels":
        return Severity.HIGH
    kind = BY_NAME.get(change.kind)
    return kind.missing_severity if kind else Severity.HIGH


def _altered_severity(change: Change) -> Severity:
    if change.kind == "column" and change.attribute == "type":
        compatible = widens(str(change.expected), str(change.actual))
        return Severity.MEDIUM if compatible else Severity.CRITICAL
    if change.kind == "enum" and change.attribute == "labels":
        dropped = set(change.expected or ()) - set(change.actual or ())
        return Severity.HIGH if dropped else Severity.MEDIUM
    if change.attribute in _HIGH_ATTRIBUTES:
        return Severity.HIGH
    if change.kind == "index" and change.attribute == "definition":
        return Severity.HIGH if "UNIQUE" in str(change.expected) else Severity.MEDIUM
    kind = BY_NAME.get(change.kind)
    if kind is not None and kind.behaviour and change.attribute not in ("comment", "options"):
        return Severity.HIGH
    return Severity.MEDIUM


# ---------------------------------------------------------------------------------------------
# Reasons


def _label(change: Change) -> str:
    kind = BY_NAME.get(change.kind)
    return kind.label if kind else change.kind


def _short(value: Any, limit: int = 80) -> str:
    text = "(none)" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"



def _missing_reason(change: Change) -> str:
    label = _label(change)
    parent = (change.expected or {}).get("partition_of") if change.kind == "table" else None
    if change.kind == "index":
        unique = (change.expected or {}).get("unique")
        consequence = ("duplicates are no longer prevented" if unique
                       else "queries that rely on it may become slow")
    elif parent:
        consequence = (f"rows {change.expected.get('partition_bound')} have no partition of {parent}: "
                       f"inserting them fails unless a default partition takes them")
    else:
        kind = BY_NAME.get(change.kind)
        consequence = kind.missing_consequence if kind else "code that relies on it may fail"
    children = change.detail.get("children")
    extra = f" (with its {_count_children(children)})" if children else ""
    return f"{label} {change.object} is missing{extra}: {consequence}"


def _count_children(children: dict[str, int]) -> str:
    return ", ".join(f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in children.items())


def _unexpected_reason(change: Change) -> str:
    children = change.detail.get("children")
    extra = f" (with its {_count_children(children)})" if children else ""
    return (f"{_label(change)} {change.object} exists but is not expected{extra}: "
            f"no migration created it")


def _altered_reason(change: Change) -> str:
    label, attribute = _label(change), change.attribute
    values = f"expected {_short(change.expected)}, found {_short(change.actual)}"
    if change.kind == "column" and attribute == "type":
        compatible = widens(str(change.expected), str(change.actual))
        effect = ("wider type, existing code keeps working" if compatible
                  else "incompatible type: reads and writes may fail or change meaning")
        return f"column {change.object} has type {change.actual} instead of {change.expected}: {effect}"
    if attribute == "not_null":
        if change.expected:
            return f"{label} {change.object} accepts NULL but should be NOT NULL: NULLs can be written"
        return f"{label} {change.object} is NOT NULL but should accept NULL: inserts without it will fail"
    if attribute == "labels":
        return f"{label} {change.object} labels differ ({values}): writing a missing label fails"
    if attribute == "comment":
        return f"{label} {change.object} comment differs: documentation only"
    if attribute == "partitions":
        extra = change.detail.get("unexpected_partitions", [])
        return (f"{label} {change.object} has {len(extra)} partition{'s' if len(extra) != 1 else ''} no migration "
                f"created ({_short(', '.join(extra), 60)}): made at run time (pg_partman, a scheduled job)? "
                f"Raise its severity in the config if partitions must come from migrations")
    if attribute == "body_sha256":
        return f"{label} {change.object} has a different body: it behaves differently than expected"
    return f"{label} {change.object} {attribute} differs ({values})"


def default_reason(change: Change) -> str:
    """One line a human understands: what is wrong and what breaks."""
    if change.change == ChangeType.MISSING:
        return _missing_reason(change)
    if change.change == ChangeType.UNEXPECTED:
        return _unexpected_reason(change)
    if change.change == ChangeType.RENAMED and change.kind not in ("table", "column"):
        return (f"{_label(change)} {change.expected} exists as {change.actual} with an identical definition: "
                f"harmless unless code or migrations refer to it by name")
    if change.change == ChangeType.RENAMED:
        confidence = f"{change.confidence:.2f}" if change.confidence is not None else "?"
        return (f"{_label(change)} {change.expected} seems to be renamed to {change.actual} "
                f"(confidence {confidence}): code that uses the expected name will fail; "
                f"a candidate only, verify before acting")
    return _altered_reason(change)
