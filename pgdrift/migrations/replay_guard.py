"""The replay's guard: inside the replay's child process, no engine for another database.

A project's migrations import the application, and the application may read its own database
URL (from its settings, an environment variable pgdrift was not told about, a default SQLite
file) and create an engine for it. Before a single project module is imported, the child
replaces SQLAlchemy's `create_engine` (which `engine_from_config`, `create_async_engine` and
`async_engine_from_config` all go through) with one that refuses every URL but the scratch
database's. A refusal is remembered even if the project catches the exception.

The same wrapper lets Alembic's async template run unchanged: an async engine asked for the
scratch database with a synchronous driver gets an async one instead. And it attaches the
statement recorder to every engine it lets through: the SQL each migration sends is recorded as
the driver receives it, so hazards can reason from what the migration really runs (issue 15).
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pgdrift.errors import PgDriftError

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "loopback"})
ASYNC_DRIVERS = ("asyncpg", "psycopg")  # psycopg 3 is both; its async dialect is psycopg_async
SYNC_DRIVERS = ("pg8000", "psycopg", "psycopg2")
_DRIVER_MODULES = {"asyncpg": "asyncpg", "psycopg": "psycopg", "psycopg2": "psycopg2", "pg8000": "pg8000",
                   "psycopg_async": "psycopg"}


class ForeignDatabaseRefused(PgDriftError):
    """The project asked for an engine on a database that is not the scratch database."""

    category = "foreign_database"


@dataclass(frozen=True)
class DatabaseIdentity:
    """Which server and database a URL reaches: host (or socket folder), port and database."""

    host: str
    port: int
    database: str

    def describe(self) -> str:
        host = "localhost" if self.host == "loopback" else self.host
        return f"host {host or '-'}, database {self.database or '-'}"


def identity_of(url: Any) -> DatabaseIdentity:
    """The server and database of a SQLAlchemy URL, whichever driver spells it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return DatabaseIdentity(parsed.get_backend_name(), 0, parsed.database or "")
    query = parsed.query
    socket = _first(query.get("unix_sock"))
    if socket:  # pg8000: the socket file itself, /dir/.s.PGSQL.5432
        folder, _, name = socket.rpartition("/")
        return DatabaseIdentity(folder, int(name.rpartition(".")[2] or 5432), parsed.database or "")
    host = _first(query.get("host")) or parsed.host or "localhost"
    port = parsed.port or int(_first(query.get("port")) or 5432)
    return DatabaseIdentity("loopback" if host in LOOPBACK else host, port, parsed.database or "")


def _first(value: Any) -> str | None:
    if isinstance(value, tuple):
        return value[0] if value else None
    return value


def redacted(url: Any) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def driver_installed(driver: str) -> bool:
    return importlib.util.find_spec(_DRIVER_MODULES.get(driver, driver)) is not None


def async_driver() -> str | None:
    """The first async PostgreSQL driver installed, for env.py files that create async engines."""
    return next((driver for driver in ASYNC_DRIVERS if driver_installed(driver)), None)


#: Bounds on what one revision records: statements are the ledger's text, and a data migration
#: may send thousands (or one with a megabyte of literals). Hazards read only a statement's head.
MAX_STATEMENTS = 200
MAX_STATEMENT_CHARS = 2000
#: A role's password in a migration's SQL (CREATE/ALTER ROLE ... PASSWORD '...') must not travel
#: into the ledger, which is uploaded and read elsewhere.
_PASSWORD = re.compile(r"(\bPASSWORD\s+)(?:E?'(?:[^']|'')*'|\$([A-Za-z_]*)\$.*?\$\2\$)", re.IGNORECASE | re.DOTALL)


@dataclass
class StatementRecorder:
    """The SQL statements sent while a migration's `upgrade()` runs, as the driver receives them.

    Only statements sent inside `upgrade()` (see `around`) are the migration's: SQLAlchemy's
    dialect set-up, env.py's own statements and Alembic's version-table bookkeeping come before
    or after it, so they are left out.
    """

    statements: list[str] = field(default_factory=list)
    recording: bool = False
    left_out: int = 0

    def before_cursor_execute(self, connection: Any, cursor: Any, statement: str, parameters: Any,
                              context: Any, executemany: bool) -> None:
        if not self.recording:
            return
        if len(self.statements) >= MAX_STATEMENTS:
            self.left_out += 1
            return
        text = _PASSWORD.sub(r"\1'<redacted>'", statement.strip())
        if len(text) > MAX_STATEMENT_CHARS:
            text = text[:MAX_STATEMENT_CHARS] + " -- pgdrift: cut short"
        self.statements.append(text)

    def around(self, migration_fn: Callable[..., Any]) -> Callable[..., Any]:
        """`migration_fn`, recording what it sends."""
        @functools.wraps(migration_fn)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.recording = True
            try:
                return migration_fn(*args, **kwargs)
            finally:
                self.recording = False

        return recorded

    def take(self) -> list[str]:
        """What was recorded since the last call (then forgotten)."""
        taken = self.statements
        if self.left_out:
            taken.append(f"-- pgdrift: {self.left_out} more statement(s) not recorded")
        self.statements, self.left_out = [], 0
        return taken


@dataclass
class Guard:
    """Refuses engines for any database but `scratch_url`'s; remembers what it refused; records
    the statements sent through the engines it lets through."""

    scratch_url: str
    refused: list[str] = field(default_factory=list)
    recorder: StatementRecorder = field(default_factory=StatementRecorder)

    @property
    def scratch(self) -> DatabaseIdentity:
        return identity_of(self.scratch_url)

    def check(self, url: Any, is_async: bool) -> Any:
        """The URL to create the engine with, or ForeignDatabaseRefused."""
        if identity_of(url) != self.scratch:
            text = redacted(url)
            self.refused.append(text)
            raise ForeignDatabaseRefused(
                f"env.py or the application asked for an engine on {identity_of(url).describe()} ({text}), "
                f"which is not pgdrift's scratch database ({self.scratch.describe()}): refused, nothing ran there",
                "The project reads its database URL from somewhere pgdrift did not set: name the environment "
                "variable it reads with --url-env NAME (set to the scratch URL before any project module is "
                "imported), or make env.py use sqlalchemy.url",
            )
        return self._with_async_driver(url) if is_async else url

    @staticmethod
    def _with_async_driver(url: Any) -> Any:
        """Alembic's async template on a synchronous scratch URL: swap in an async driver."""
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        if parsed.get_driver_name() in ("asyncpg", "psycopg", "psycopg_async"):
            return parsed  # psycopg 3 picks its async dialect itself
        replacement = async_driver()
        if replacement is None:
            return parsed  # SQLAlchemy's own error ("'pg8000' is not async") then says what is missing
        return with_driver(parsed, replacement)

    def wrap(self, create_engine: Callable[..., Any]) -> Callable[..., Any]:
        from sqlalchemy import event

        def guarded_create_engine(url: Any, **kwargs: Any) -> Any:
            engine = create_engine(self.check(url, bool(kwargs.get("_is_async"))), **kwargs)
            # An async engine is made through here too: this is its synchronous core.
            event.listen(engine, "before_cursor_execute", self.recorder.before_cursor_execute)
            return engine

        guarded_create_engine.__wrapped__ = create_engine  # type: ignore[attr-defined]
        return guarded_create_engine


def with_driver(url: Any, driver: str) -> Any:
    """The same database through another driver (unix sockets spelled as that driver wants)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    query = dict(parsed.query)
    socket: str | None = _first(query.pop("unix_sock", None))
    port = parsed.port
    if socket and driver == "pg8000":
        query["unix_sock"] = socket
    elif socket:
        folder, _, name = socket.rpartition("/")
        query["host"] = folder
        port = int(name.rpartition(".")[2])
    elif driver == "pg8000" and (_first(query.get("host")) or "").startswith("/"):
        query["unix_sock"] = f"{_first(query.pop('host'))}/.s.PGSQL.{port or 5432}"
        port = None
    return parsed.set(drivername=f"postgresql+{driver}", query=query, port=port)


def install(scratch_url: str) -> Guard:
    """Replace every public name of SQLAlchemy's `create_engine` with the guarded one."""
    import sqlalchemy
    import sqlalchemy.engine
    import sqlalchemy.engine.create

    guard = Guard(scratch_url)
    original = sqlalchemy.engine.create.create_engine
    guarded = guard.wrap(original)
    for module in (sqlalchemy, sqlalchemy.engine, sqlalchemy.engine.create):
        setattr(module, "create_engine", guarded)  # noqa: B010 - mypy knows no such attribute on the package
    try:
        import sqlalchemy.ext.asyncio.engine as async_engine
    except ImportError:  # pragma: no cover - part of SQLAlchemy 2
        return guard
    async_engine._create_engine = guarded
    return guard
