"""The closed vocabularies of findings, migration states and alerts, as `StrEnum`s (issue 14).

A typo in a bare string ("pending_migrations", "hihg") is a silent bug; a typo in a member name
is a mypy and import error. Members are `str`s whose value is the word itself, so they compare
equal to it and `json.dumps`, f-strings and `str()` write the word: JSON reports, S3 records and
notifications are byte-identical to what bare strings gave. (`repr()` is not: never `!r` them.)

This module imports only `pgdrift.errors`, so every layer can use it without a cycle.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from pgdrift.errors import PgDriftError


class ChangeType(StrEnum):
    """What happened to an object between the expected and the actual side."""

    MISSING = "missing"
    UNEXPECTED = "unexpected"
    ALTERED = "altered"
    RENAMED = "renamed"


class Severity(StrEnum):
    """How bad a finding is; declared from the most to the least severe (see SEVERITY_RANK)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Cause(StrEnum):
    """Why a finding exists, against a ledger (`pgdrift check`/`compare`)."""

    PENDING_MIGRATION = "pending_migration"
    OUT_OF_BAND = "out_of_band"


class HazardKind(StrEnum):
    """What applying a pending migration would run into."""

    CONFLICT = "conflict"  # an out-of-band change is in the way
    DESTRUCTIVE = "destructive"  # it loses data


class MigrationState(StrEnum):
    """Where a database stands in the repository's Alembic graph (`MigrationStatus.state`)."""

    AT_HEAD = "at_head"
    BEHIND = "behind"
    AHEAD_OR_UNKNOWN = "ahead_or_unknown"
    NO_VERSION_TABLE = "no_version_table"
    UNREADABLE = "unreadable"
    BRANCHED = "branched"


class VersionTableStatus(StrEnum):
    """What reading `alembic_version` gave (`AlembicState.status`)."""

    PRESENT = "present"
    ABSENT = "absent"
    UNREADABLE = "unreadable"


class AlertStatus(StrEnum):
    """What a notification says (`Notification.status`, `Decision.alert`)."""

    DRIFT = "drift"
    RESOLVED = "resolved"
    FAILED = "failed"
    REMINDER = "reminder"


_Word = TypeVar("_Word", bound=StrEnum)


def decode(vocabulary: type[_Word], value: Any, what: str) -> _Word:
    """`value` (read from JSON) as a member of `vocabulary`; anything else is a clear error."""
    try:
        return vocabulary(value)
    except ValueError:
        words = ", ".join(member.value for member in vocabulary)
        raise PgDriftError(f"{what}: {value!r} is not one of {words}") from None


def decode_optional(vocabulary: type[_Word], value: Any, what: str) -> _Word | None:
    """Like `decode`, but None (an absent optional field) stays None."""
    return None if value is None else decode(vocabulary, value, what)
