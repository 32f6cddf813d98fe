"""Default severities and one-line reasons for findings.

The expected side is what the application was written against, so a finding is graded by what
goes wrong for that application on the actual (live) side:

- critical: its queries fail (a missing or renamed table or column, a lossy type change);
- high: data integrity or behaviour changes (missing constraints, nullability, missing unique
  indexes, a lossless cast of a column's type, missing or altered views, routines, triggers,
  policies, types, sequences, schemas);
- medium: performance or untracked objects (other missing indexes, unexpected objects, a type
  widened or changed within its family such as json to jsonb, other attribute changes);
- low: documentation and access (comments, privileges), and partitions made at run time.

`pgdrift.compare.config` may override any of these by object pattern.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from pgdrift.compare.findings import Change
from pgdrift.compare.type_rules import TypeCompatibility, compatibility
from pgdrift.schema.kinds import BY_NAME, counted, counted_kind
from pgdrift.vocabulary import ChangeType, Severity

#: Attributes of an altered object that are graded high whatever the kind.
_HIGH_ATTRIBUTES = {"not_null", "validated", "enforced", "rls_enabled", "rls_forced", "unique",
                    "security_definer", "deferrable", "deferred", "check", "constraints",
                    "identity"}

#: A column's type change graded by the compatibility table (`pgdrift.compare.type_rules`).
_TYPE_SEVERITY = {
    TypeCompatibility.WIDENING: Severity.MEDIUM,
    TypeCompatibility.SAME_FAMILY: Severity.MEDIUM,
    TypeCompatibility.LOSSLESS: Severity.HIGH,
    TypeCompatibility.LOSSY: Severity.CRITICAL,
}
_TYPE_EFFECT = {
    TypeCompatibility.WIDENING: "wider type, existing code keeps working",
    TypeCompatibility.SAME_FAMILY: "same family of type, existing code keeps working (values may be "
                                   "normalised or compared slightly differently)",
    TypeCompatibility.LOSSLESS: "every value converts exactly, but clients read another type: check "
                                "the code that reads or writes it",
    TypeCompatibility.LOSSY: "incompatible type: reads and writes may fail or change meaning",
}


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
        return _TYPE_SEVERITY[compatibility(str(change.expected), str(change.actual))]
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



#: Quoted literals and names, words, runs of white space, and single punctuation marks: joined
#: again they are the text.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\s+|\w+|[^\w\s]")
#: Tokens kept either side of a difference (white space counts as one).
_CONTEXT = 6


def word_diff(expected: str, actual: str, context: int = _CONTEXT) -> str:
    """The parts of two long definitions that differ, with a little context, as `git diff
    --word-diff` writes them: `…ARRAY['APP'::text, {+'SMS'::text, +}'WEB'::text]…`. Cutting both at
    the same length hid the difference when it lay after their shared beginning (issue 15)."""
    old, new = _TOKENS.findall(expected), _TOKENS.findall(actual)
    opcodes = _slide(difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes(), old, new)
    parts: list[str] = []
    last = len(opcodes) - 1
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
            parts.append((f"[-{removed}-]" if removed else "") + (f"{{+{added}+}}" if added else ""))
            continue
        same = old[i1:i2]
        head = same[:context] if number > 0 else []
        tail = same[-context:] if number < last else []
        if len(same) <= 2 * context or not head or not tail:
            kept = same if len(same) <= 2 * context else head or tail
            cut_before = number == 0 and len(same) > len(kept)
            cut_after = number == last and len(same) > len(kept)
            parts.append(("…" if cut_before else "") + "".join(kept) + ("…" if cut_after else ""))
        else:
            parts.append("".join(head) + "…" + "".join(tail))
    return "".join(parts)


def _slide(opcodes: Sequence[tuple[str, int, int, int, int]], old: list[str],
           new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Move each pure insertion or deletion between two equal runs to start after white space
    where it can: `'APP'::text, {+'SMS'::text, +}` rather than `'APP{+'::text, 'SMS+}'::text`."""
    tags = [opcode[0] for opcode in opcodes]
    spans = [list(opcode[1:]) for opcode in opcodes]  # [i1, i2, j1, j2]
    for k in range(1, len(tags) - 1):
        if tags[k - 1] != "equal" or tags[k + 1] != "equal" or tags[k] not in ("insert", "delete"):
            continue
        side = 2 if tags[k] == "insert" else 0  # where the block's tokens are: new or old
        sequence = new if side else old
        start, end, stop = spans[k][side], spans[k][side + 1], spans[k + 1][side + 1]
        shifts = [0]
        while end + shifts[-1] < stop and sequence[start + shifts[-1]] == sequence[end + shifts[-1]]:
            shifts.append(shifts[-1] + 1)
        spaced = [n for n in shifts if start + n >= 1 and sequence[start + n - 1].isspace()]
        listed = [n for n in spaced if start + n >= 2 and sequence[start + n - 2] == ","]
        shift = (listed or spaced or [0])[-1]  # after a list's comma best, else after any space
        spans[k - 1][1] += shift
        spans[k - 1][3] += shift
        spans[k] = [index + shift for index in spans[k]]
        spans[k + 1][0] += shift
        spans[k + 1][2] += shift
    return [(tag, span[0], span[1], span[2], span[3]) for tag, span in zip(tags, spans, strict=True)]


def _values(expected: Any, actual: Any, limit: int = 80) -> str:
    """"expected X, found Y", or the word diff of two definitions too long to read whole."""
    if isinstance(expected, str) and isinstance(actual, str) and max(len(expected), len(actual)) > limit:
        return f"changes: {word_diff(expected, actual)}"
    return f"expected {_short(expected)}, found {_short(actual)}"


def missing_reason(change: Change, created_by: str | None = None) -> str:
    """"X is missing: what breaks"; with `created_by` (a pending migration that creates it), "X is
    not there yet: <created_by> adds it; until then what breaks" (issue 15: not "no longer")."""
    children = change.detail.get("children")
    extra = f" (with its {_count_children(children)})" if children else ""
    head = f"{_label(change)} {change.object}"
    if created_by:
        return f"{head} is not there yet{extra}: {created_by} adds it; until then {_missing_consequence(change)}"
    return f"{head} is missing{extra}: {_missing_consequence(change)}"


def _missing_consequence(change: Change) -> str:
    parent = (change.expected or {}).get("partition_of") if change.kind == "table" else None
    if change.kind == "index":
        unique = (change.expected or {}).get("unique")
        return "duplicates are not prevented" if unique else "queries that rely on it may become slow"
    if parent:
        return (f"rows {change.expected.get('partition_bound')} have no partition of {parent}: "
                f"inserting them fails unless a default partition takes them")
    kind = BY_NAME.get(change.kind)
    return kind.missing_consequence if kind else "code that relies on it may fail"


def _count_children(children: dict[str, int]) -> str:
    return ", ".join(counted_kind(count, kind) for kind, count in children.items())


def _unexpected_reason(change: Change) -> str:
    children = change.detail.get("children")
    extra = f" (with its {_count_children(children)})" if children else ""
    return (f"{_label(change)} {change.object} exists but is not expected{extra}: "
            f"no migration created it")


def _altered_reason(change: Change) -> str:
    label, attribute = _label(change), change.attribute
    values = _values(change.expected, change.actual)
    if change.kind == "column" and attribute == "type":
        effect = _TYPE_EFFECT[compatibility(str(change.expected), str(change.actual))]
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
        return (f"{label} {change.object} has {counted(len(extra), 'partition')} no migration "
                f"created ({_short(', '.join(extra), 60)}): made at run time (pg_partman, a scheduled job)? "
                f"Raise its severity in the config if partitions must come from migrations")
    if attribute == "body_sha256":
        return f"{label} {change.object} has a different body: it behaves differently than expected"
    return f"{label} {change.object} {attribute} differs ({values})"


def default_reason(change: Change) -> str:
    """One line a human understands: what is wrong and what breaks."""
    if change.change == ChangeType.MISSING:
        return missing_reason(change)
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
