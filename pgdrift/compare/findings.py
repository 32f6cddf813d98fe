"""Changes and reports as data: the small closed vocabulary every renderer, alert and exit code reads.

A `Change` is one finding: an object of some kind that is missing, unexpected, altered (one
attribute) or renamed, with a severity and a one-line reason. A `Report` holds the changes of one
comparison plus, for `pgdrift check`/`compare`, the migration status. Renderers (text, markdown,
JSON, HTML, Slack, email) are separate functions over this data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pgdrift.vocabulary import Cause, ChangeType, HazardKind, MigrationState, Severity

REPORT_FORMAT_VERSION = 1

# The words as plain tuples, for config validation, schemas and metric names.
CHANGE_TYPES: tuple[str, ...] = tuple(member.value for member in ChangeType)
SEVERITIES: tuple[str, ...] = tuple(member.value for member in Severity)
#: severity -> rank, 0 the most severe; keyed by the words, which members equal and hash like
SEVERITY_RANK: dict[str, int] = {severity.value: rank for rank, severity in enumerate(Severity)}
CAUSES: tuple[str, ...] = tuple(member.value for member in Cause)


@dataclass(frozen=True)
class Waiver:
    """A declared, owned, expiring acceptance of a finding (from the config file)."""

    pattern: str
    reason: str
    owner: str
    expires: str  # ISO date
    expired: bool = False


def read_only(value: Any) -> Any:
    """A mapping (and the mappings in it) as a read-only view: a frozen finding stays frozen."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: read_only(item) for key, item in value.items()})
    return value


def plain(value: Any) -> Any:
    """The inverse of `read_only`: plain dicts again, for JSON."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    return value


_NO_DETAIL: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Change:
    """One finding. `expected`/`actual` hold the attribute values (altered) or the objects' JSON
    values (missing: expected only; unexpected: actual only; renamed: both names)."""

    kind: str
    change: ChangeType
    object: str  # qualified name, including the object's own name
    attribute: str | None = None
    expected: Any = None
    actual: Any = None
    severity: Severity = Severity.MEDIUM
    reason: str = ""
    table: str | None = None  # the table the object belongs to, for grouping
    confidence: float | None = None  # rename candidates only
    cause: Cause | None = None  # check/compare only
    migration: str | None = None  # the revision that shaped the expected object, if any
    waiver: Waiver | None = None
    # e.g. folded children; read-only (see __post_init__), so build a new Change to change it
    detail: Mapping[str, Any] = field(default_factory=lambda: _NO_DETAIL, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.detail, MappingProxyType) or any(
                isinstance(item, Mapping) and not isinstance(item, MappingProxyType) for item in self.detail.values()):
            object.__setattr__(self, "detail", read_only(self.detail))

    @property
    def active(self) -> bool:
        """Counts toward alerts and exit codes: not covered by a waiver that is still valid."""
        return self.waiver is None or self.waiver.expired

    @property
    def identity(self) -> str:
        """Stable identity of the finding, for alert de-duplication."""
        return f"{self.kind}|{self.change}|{self.object}|{self.attribute or ''}"


@dataclass(frozen=True)
class Side:
    """One side of a comparison."""

    source: str  # redacted DSN, file path or s3:// URI
    fingerprint: str
    database: str | None = None
    server_version: str | None = None
    captured_at: str | None = None
    revisions: tuple[str, ...] = ()
    object_counts: tuple[tuple[str, int], ...] = ()  # (kind, count) pairs, for report statistics


@dataclass(frozen=True)
class Hazard:
    """Something that will go wrong when a pending migration is applied."""

    revision: str
    type: HazardKind
    object: str
    message: str
    severity: Severity = Severity.HIGH


@dataclass(frozen=True)
class PendingMigration:
    revision: str
    date: str | None  # ISO 8601
    message: str
    changes: tuple[Change, ...] = ()
    hazards: tuple[Hazard, ...] = ()
    down_revisions: tuple[str, ...] = ()  # its parents in the graph: two or more make it a merge


@dataclass(frozen=True)
class MigrationStatus:
    """Where the live database stands in the repository's Alembic graph."""

    live_revisions: tuple[str, ...]
    head_revisions: tuple[str, ...]
    state: MigrationState
    detail: str | None = None
    live_date: str | None = None
    head_date: str | None = None
    lag_revisions: int | None = None
    lag_days: float | None = None
    pending: tuple[PendingMigration, ...] = ()


@dataclass(frozen=True)
class Report:
    expected: Side
    actual: Side
    changes: tuple[Change, ...]
    generated_at: str
    migrations: MigrationStatus | None = None
    title: str = "Schema drift report"
    format_version: int = REPORT_FORMAT_VERSION

    @property
    def active_changes(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.active)

    def counts_by_severity(self) -> dict[str, int]:
        counts = Counter(change.severity.value for change in self.active_changes)
        return {severity: counts.get(severity, 0) for severity in SEVERITIES}

    @property
    def highest_severity(self) -> Severity | None:
        present = [change.severity for change in self.active_changes]
        return min(present, key=SEVERITY_RANK.__getitem__) if present else None

    @property
    def has_drift(self) -> bool:
        return bool(self.active_changes)

    @property
    def status(self) -> str:
        """"clean" or "drift" (what exit codes and alerts follow)."""
        behind = self.migrations is not None and self.migrations.state != MigrationState.AT_HEAD
        return "drift" if self.has_drift or behind else "clean"
