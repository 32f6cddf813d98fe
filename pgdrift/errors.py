"""The small hierarchy of errors pgdrift raises.

Messages name the operation and the object ("reading indexes of database app: permission
denied") and say what to do. They never carry a password: build them from `redact()`ed text.
"""

from __future__ import annotations


class PgDriftError(Exception):
    """Base class: anything pgdrift reports to a user as a failure (exit code 2)."""

    #: A short machine-readable category, used in "monitor failed" alerts and metrics.
    category = "error"

    def __init__(self, message: str, remedy: str | None = None) -> None:
        super().__init__(message)
        self.remedy = remedy

    def __str__(self) -> str:
        message = super().__str__()
        if not self.remedy:
            return message
        # A message may end its own sentence (pg8000's "... (timeout is None ...)."): no ".." (issue 15)
        return f"{message} {self.remedy}" if message.endswith((".", "?", "!")) else f"{message}. {self.remedy}"


class ConfigError(PgDriftError):
    """A malformed DSN, config file, event or setting."""

    category = "config"


class ConnectError(PgDriftError):
    """The database could not be reached or refused us (host, port, password, database)."""

    category = "connection"


class AuthenticationError(ConnectError):
    category = "authentication"


class TooManyConnections(ConnectError):
    """The server or the role's CONNECTION LIMIT refused another connection (SQLSTATE 53300)."""

    category = "connection_limit"


class StateStoreError(PgDriftError):
    """The monitor's alert state (S3 state/ prefix) cannot be read or written."""

    category = "state_store"


class PermissionDenied(PgDriftError):
    """The monitoring role lacks a grant it needs."""

    category = "permission"


class QueryTimeout(PgDriftError):
    """The database did not answer in time."""

    category = "timeout"


class LockTimeout(QueryTimeout):
    """A DDL (a migration) held a lock on what the snapshot reads for longer than lock_timeout."""

    category = "lock"


class CatalogError(PgDriftError):
    """A catalog query failed for another reason."""

    category = "catalog"


class UnknownRevision(PgDriftError):
    """The live database's Alembic revision is not in the ledger's graph (issue 12): the ledger is
    another project's, or older than the database. Nothing it reports would be meaningful."""

    category = "unknown_revision"


class SnapshotFormatError(PgDriftError):
    """A snapshot, report or ledger file is corrupt or of an unknown format version."""

    category = "corrupt_artifact"


class SnapshotVersionError(SnapshotFormatError):
    """A snapshot written in another format version (by an older or newer pgdrift)."""

    def __init__(self, message: str, remedy: str | None = None, version: object = None) -> None:
        super().__init__(message, remedy)
        self.version = version


class ArtifactError(SnapshotFormatError):
    """The expected-schema artifact (ledger) is missing, corrupt or inconsistent."""


class MissingArtifact(ArtifactError):
    """The expected-schema artifact is not where the target says (never uploaded, or deleted)."""

    category = "missing_artifact"


#: How much of a caller's text (an event's target name, say) a message may echo.
ECHO_LIMIT = 64


def bounded(value: object, limit: int = ECHO_LIMIT) -> str:
    """Untrusted input as it may appear in a message, an alert or S3: its repr (so control
    characters are escaped and it cannot forge lines), cut to `limit` characters with a note."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"
