"""The catalog reader: a live database -> `Snapshot`, from pg_catalog in bulk.

One query per object kind (the `.sql` files beside this module), each aggregated by the server
with json_agg so the client parses one JSON value per kind instead of decoding rows in Python.
The small kinds share a round trip; the number of round trips is constant (15 to 20) whatever the
size of the schema. Two connections share the work by default (see `SnapshotReader`).

The reader needs no table privileges: pg_catalog is readable by every role, while
information_schema hides objects the role cannot use.

Locks: every read runs in read-only, repeatable-read transactions sharing one MVCC snapshot (so
the kinds agree with each other). PostgreSQL's deparsing functions (pg_get_expr,
pg_get_constraintdef, pg_get_indexdef, pg_get_triggerdef...) take AccessShareLock, the lock a
plain SELECT takes, on the relation they describe and release it at once. pg_get_viewdef and
pg_get_ruledef keep it on the tables each view or rule reads until the transaction ends, so the
views and rules are read last and each connection ends its transaction as soon as it has no batch
left: that lock lasts one round trip. The SELECT on alembic_version is rolled back to a
savepoint, which releases its lock. Nothing stronger is ever taken. If a migration holds ACCESS
EXCLUSIVE on a relation being described, the request waits at most lock_timeout (default 1 s)
and fails with a clear "DDL in progress" error; a waiting AccessShareLock does not block the
application's own queries. See tests/test_catalog_safety.py.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import queue
import re
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from pgdrift.catalog.connect import START_TRANSACTION, ConnectOptions, open_session, translate_error
from pgdrift.errors import CatalogError, ConfigError, PgDriftError
from pgdrift.schema import kinds as registry
from pgdrift.schema import model
from pgdrift.schema.identity import matches_any, qualify
from pgdrift.schema.kinds import BY_NAME, Kind
from pgdrift.schema.normalize import _privilege_names, body_hash, index_predicate, normalize_whitespace
from pgdrift.vocabulary import VersionTableStatus

# Re-exported: the normalisers live beside the registry, which names them (see pgdrift.schema.normalize).
__all__ = ["DEFAULT_EXCLUDE_OBJECTS", "DEFAULT_EXCLUDE_SCHEMAS", "CatalogSession", "ReadOptions",
           "SnapshotReader", "_privilege_names", "batches", "body_hash", "build_objects", "check_server_version",
           "index_predicate", "normalize_whitespace", "parse_answer", "read_snapshot",
           "read_snapshot_from_session"]

#: RDS's and AWS DMS's own objects, left out unless configured otherwise.
DEFAULT_EXCLUDE_SCHEMAS = ("rdsadmin", "rdsadmin_*", "awsdms_*", "aws_commons", "aws_s3")
DEFAULT_EXCLUDE_OBJECTS = ("awsdms_*",)


@dataclass(frozen=True)
class ReadOptions:
    """Which schemas and objects to read."""

    include_schemas: tuple[str, ...] = ()  # empty = every non-system schema
    exclude_schemas: tuple[str, ...] = DEFAULT_EXCLUDE_SCHEMAS
    exclude_objects: tuple[str, ...] = DEFAULT_EXCLUDE_OBJECTS
    # Connections per snapshot. The catalog queries are CPU-bound on the server, so a second
    # connection (importing the first one's snapshot, so both read the same state) halves the
    # server's time per snapshot on any server with two cores or more; more gains little, since
    # three kinds make up most of the work.
    jobs: int = 2
    # Alembic's version table: its name (Alembic's `version_table`), looked for in every user
    # schema, the ones read first, then public; or `schema.name` (`version_table_schema`).
    version_table: str = model.DEFAULT_VERSION_TABLE


@cache
def load_sql(file_name: str) -> str:
    return resources.files("pgdrift.catalog").joinpath("sql", file_name).read_text(encoding="utf-8")


def parse_answer(text: str) -> list[dict[str, Any]]:
    """A catalog query's JSON answer as rows (numbers are int2, int4, int8 and oid values)."""
    return model.json_loads(text)


class CatalogSession:
    """A connection plus a counter of round trips (measured by tests and the benchmark)."""

    def __init__(self, connection: Any, options: ConnectOptions) -> None:
        self.connection = connection
        self.options = options
        self.round_trips = 2  # the settings and START TRANSACTION in open_session
        self.in_transaction = True

    def rows(self, sql: str, operation: str, **parameters: Any) -> list[list[Any]]:
        self.round_trips += 1
        try:
            return list(self.connection.run(sql, **parameters) or [])
        except Exception as error:
            raise translate_error(error, operation, self.options) from None

    def json_texts(self, file_names: Sequence[str], operation: str, **parameters: Any) -> list[str]:
        """Run catalog queries in one round trip; the server aggregates each one's rows into one
        JSON array, so the client parses one value per kind instead of decoding rows."""
        answers = ",\n".join(f"(SELECT coalesce(json_agg(q), '[]') FROM (\n{load_sql(name)}\n) AS q)::text"
                             for name in file_names)
        return [str(text) for text in self.rows(f"SELECT {answers}", operation, **parameters)[0]]

    def json_rows(self, file_name: str, operation: str, **parameters: Any) -> list[dict[str, Any]]:
        return parse_answer(self.json_texts([file_name], operation, **parameters)[0])

    def begin(self) -> None:
        """Start the next read's transaction on a connection that has ended the previous one."""
        self.rows(START_TRANSACTION, "starting a read-only transaction")
        self.in_transaction = True

    def end(self) -> bool:
        """End the transaction (read-only: nothing to commit); False if the connection is unusable."""
        if not self.in_transaction:
            return True
        try:
            self.connection.run("ROLLBACK")
        except Exception:
            return False
        self.in_transaction = False
        return True

    def abort(self) -> None:
        """Shut the socket, from another thread, so that a blocked query returns at once."""
        raw_socket = getattr(self.connection, "_usock", None)  # pg8000's socket (see pgdrift.catalog.connect)
        if raw_socket is not None:
            with contextlib.suppress(OSError):
                raw_socket.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.end()  # best effort, like the close: the transaction was read-only
        with contextlib.suppress(Exception):
            self.connection.close()


@cache
def _reference_fields(model_type: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields of a model that hold one reference, and those that hold a tuple of them."""
    fields = model.dataclass_fields(model_type)
    return (tuple(field.name for field in fields if field.metadata.get("ref")),
            tuple(field.name for field in fields if field.metadata.get("refs")))


@cache
def _name_matcher(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """One compiled regex for all shell-style patterns, equivalent to `matches_any`.

    Calling fnmatchcase per pattern and per row took ~2 us a row, a tenth of the client time
    at 5,000 tables (issue 2 benchmark).
    """
    return re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in patterns)).match


def build_objects(kind: Kind, rows: list[dict[str, Any]], exclude_objects: Sequence[str]) -> model.ObjectTable:
    """Rows of one kind -> {key: object}. A duplicate key is an error, never a silent merge.

    The rows become the objects' canonical JSON values as they are (see `model.ObjectTable`):
    normalizers and references give lists, never tuples, so that values compare equal to what a
    snapshot file holds.
    """
    normalize = kind.normalize
    matches = _name_matcher(tuple(exclude_objects)) if exclude_objects else None
    single, multiple = _reference_fields(kind.model)
    row_key, model_type = kind.row_key, kind.model
    fields = model.field_names(model_type)
    values: dict[str, dict[str, Any]] = {}
    for row in rows:
        # Object exclusions match the object's own name or its table's name.
        if matches is not None and (matches(row.get("name") or "") or matches(row.get("table") or "")):
            continue
        if normalize is not None:
            row = normalize(row)
        for name in single:
            parts = row.get(name)
            if parts is not None:
                row[name] = qualify(*parts)
        for name in multiple:
            parts = row.get(name)
            if parts is not None:
                row[name] = [qualify(*item) for item in parts]
        if row.keys() != fields:  # (`canonical_value`'s own test, without a call per row)
            row = model.canonical_value(model_type, row)
        key = row_key(row)
        if key in values:
            raise CatalogError(f"reading {kind.plural}: two objects share the name {key}")
        values[key] = row
    return model.ObjectTable(model_type, values)


# ---------------------------------------------------------------------------------------------


def _select_namespaces(session: CatalogSession, read: ReadOptions) -> list[tuple[int, str]]:
    rows = session.json_rows("namespaces.sql", f"listing schemas of database {session.options.database!r}")
    missing = sorted(set(read.include_schemas) - {row["name"] for row in rows})
    if missing:  # an empty snapshot of a typo would read as "everything was dropped" (issue 15)
        existing = ", ".join(sorted(row["name"] for row in rows)) or "none"
        raise ConfigError(f"reading database {session.options.database!r}: no schema named "
                          f"{', '.join(missing)} (the schemas there: {existing})",
                          "Check the --schema names (or the target's include_schemas)")
    selected = []
    for row in rows:
        name = row["name"]
        if read.include_schemas and name not in read.include_schemas:
            continue
        if matches_any(name, read.exclude_schemas):
            continue
        selected.append((int(row["oid"]), name))
    return selected


def _read_server(session: CatalogSession, export: bool) -> tuple[str, int, str, str | None]:
    """The server's version and the database; with `export`, the transaction's snapshot id too,
    for the other connections to import (pg_dump -j does the same)."""
    sql = ("SELECT current_setting('server_version'), current_setting('server_version_num')::int, "
           "current_database()" + (", pg_export_snapshot()" if export else ", NULL::text"))
    version, version_num, database, snapshot_id = session.rows(sql, "reading the server version")[0]
    return str(version), int(version_num), str(database), snapshot_id


def check_server_version(version: str, version_num: int, database: str) -> None:
    """Refuse a server older than the catalog queries support, before they fail obscurely."""
    if version_num < MIN_SERVER_VERSION_NUM:
        raise CatalogError(
            f"reading the catalog of database {database!r}: the server runs PostgreSQL {version}, and pgdrift "
            f"reads PostgreSQL 14 and later (its catalog queries use functions and columns that 13 lacks)",
            "Upgrade the server (PostgreSQL 13 is out of support), or compare it with another tool")


_FIND_VERSION_TABLE = (
    "SELECT n.nspname, c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
    "WHERE c.relname = :name AND c.relkind IN ('r', 'p', 'v') AND (:schema::text IS NULL OR n.nspname = :schema) "
    "AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' "
    "ORDER BY c.relnamespace = ANY (:namespaces::oid[]) DESC, n.nspname = 'public' DESC, n.nspname LIMIT 1")


def read_alembic_state(session: CatalogSession, namespace_oids: str,
                       version_table: str = model.DEFAULT_VERSION_TABLE) -> model.AlembicState:
    """Read Alembic's version table if present; absence or a missing grant is recorded, not raised.

    The table is looked for by name in every user schema, not only the ones read: Alembic keeps it
    in the connection's default schema (public) even when the application's tables live elsewhere.
    """
    schema, _, name = version_table.rpartition(".")
    found = session.rows(_FIND_VERSION_TABLE, f"looking for {version_table}", name=name, schema=schema or None,
                         namespaces=namespace_oids)
    if not found:
        return model.AlembicState(status=VersionTableStatus.ABSENT, table=version_table if schema else None)
    table = qualify(*found[0])
    # In a savepoint, rolled back either way: a missing grant must not abort the transaction, and
    # the rollback releases the AccessShareLock the SELECT took on the table, so the rest of the
    # read holds no lock on it.
    session.rows("SAVEPOINT pgdrift_alembic", "reading alembic_version")
    try:
        rows = session.connection.run(f"SELECT version_num FROM {table} ORDER BY 1")
        session.round_trips += 1
    except Exception as error:
        session.rows("ROLLBACK TO SAVEPOINT pgdrift_alembic", "reading alembic_version")
        reason = translate_error(error, f"reading {table}", session.options)
        return model.AlembicState(status=VersionTableStatus.UNREADABLE, table=table, detail=str(reason))
    session.rows("ROLLBACK TO SAVEPOINT pgdrift_alembic", "reading alembic_version")
    return model.AlembicState(status=VersionTableStatus.PRESENT, table=table,
                              revisions=tuple(str(row[0]) for row in rows))


# The kinds' queries grouped into round trips, heaviest first (server time at 5,000 tables on
# PG 18 with cold caches: indexes 0.3 s, columns 0.14 s, constraints 0.17 s, tables and
# privileges 0.04 s, the rest a few ms each; issue 2 benchmark). Each connection takes the next
# batch when it finishes one (longest-processing-time-first), so two connections end together.
# Indexes and constraints share a round trip: pg_get_indexdef and pg_get_constraintdef (for
# checks) each build the relcache entry of the table they describe, once per connection, so on
# one connection the constraints find them built (1,000 tables: 5-9 ms less per snapshot).
# The small kinds share one round trip. Views and rules come last, alone: pg_get_viewdef and
# pg_get_ruledef are the catalog functions that keep locks on user relations (AccessShareLock on
# the tables a view or rule reads), and a connection ends its transaction as soon as no batch is
# left, so those locks are held for that one round trip. Each registry row's `batch` places its
# kind, so every registered kind appears exactly once.
def batches() -> tuple[tuple[str, ...], ...]:
    """The rows' `batch` (round trip, place in it) as the reader's round trips, in order."""
    trips: dict[int, list[tuple[int, str]]] = {}
    for kind in registry.KINDS:
        trips.setdefault(kind.batch[0], []).append((kind.batch[1], kind.name))
    return tuple(tuple(name for _, name in sorted(trips[trip])) for trip in sorted(trips))



#: The oldest server the catalog queries run on (pg_get_function_sqlbody, multiranges: 14).
MIN_SERVER_VERSION_NUM = 140000

_log = logging.getLogger(__name__)
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")


class _Read:
    """One snapshot being read: the batches left to run and the answers that came back."""

    def __init__(self, database: str, namespaces: str, snapshot_id: str | None) -> None:
        self.database = database
        self.namespaces = namespaces
        self.snapshot_id = snapshot_id
        self.batches: queue.SimpleQueue[tuple[str, ...]] = queue.SimpleQueue()
        self.count = 0
        for batch in batches():
            self.batches.put(batch)
            self.count += 1
        self.answers: queue.SimpleQueue[tuple[tuple[str, ...], list[str]] | BaseException] = queue.SimpleQueue()
        self.stop = threading.Event()

    def work(self, session: CatalogSession) -> None:
        """Run batches on `session` until none is left, putting each answer or the error, then end
        the session's transaction at once (releasing the views' locks; see `batches`)."""
        try:
            self._work(session)
        finally:
            session.end()

    def _work(self, session: CatalogSession) -> None:
        while not self.stop.is_set():
            try:
                batch = self.batches.get_nowait()
            except queue.Empty:
                return
            labels = ", ".join(f"{BY_NAME[name].plural}" for name in batch)
            try:
                texts = session.json_texts([BY_NAME[name].sql for name in batch],
                                           f"reading {labels} of database {self.database!r}",
                                           namespaces=self.namespaces)
            except BaseException as error:  # handed to the reading thread, which raises it
                self.answers.put(error)
                return
            self.answers.put((batch, texts))


class SnapshotReader:
    """Reads snapshots of one database over one or more connections, and can read again.

    Each `read()` runs in its own read-only, repeatable-read transaction and ends it, so no lock
    is held between reads; `pgdrift expected build` reads once per revision over the same
    connections, whose catalog caches stay warm. With `jobs` > 1, the other connections import
    the first one's snapshot (`pg_export_snapshot`), so every kind is read from the same state.
    A connection that cannot be opened or cannot import the snapshot (a role's connection limit,
    a pooler) is not an error: the read goes on over the connections it has.
    """

    def __init__(self, options: ConnectOptions, read: ReadOptions = ReadOptions(),
                 session: CatalogSession | None = None) -> None:
        self.options = options
        self.read_options = read
        self.jobs = max(1, read.jobs)
        self.session = session if session is not None else CatalogSession(open_session(options), options)
        self._helpers: list[CatalogSession] = []  # open and idle, for the next read
        self._busy: set[CatalogSession] = set()  # open and in use by a helper thread
        self._lock = threading.Lock()
        self._closed = False

    @property
    def round_trips(self) -> int:
        with self._lock:
            helpers = [*self._helpers, *self._busy]
        return self.session.round_trips + sum(helper.round_trips for helper in helpers)

    def read(self) -> model.Snapshot:
        session = self.session
        if not session.in_transaction:
            session.begin()
        # The other connections open (or begin) while this one reads the server and the schemas.
        pendings = [_Pending() for _ in range(1, self.jobs)]
        for index, pending in enumerate(pendings, start=1):
            threading.Thread(target=self._helper, args=(index, pending), daemon=True,
                             name=f"pgdrift-catalog-{index}").start()
        current: _Read | None = None
        main: threading.Thread | None = None
        try:
            version, version_num, database, snapshot_id = self._server_and_snapshot(export=bool(pendings))
            namespaces = _select_namespaces(session, self.read_options)
            oids = "{" + ",".join(str(oid) for oid, _ in namespaces) + "}"
            alembic = read_alembic_state(session, oids, self.read_options.version_table)
            current = _Read(database, oids, snapshot_id)
            for pending in pendings:
                pending.start(current)
            main = threading.Thread(target=current.work, args=(session,), daemon=True, name="pgdrift-catalog-0")
            main.start()
            objects = self._collect(current)
        finally:
            if current is not None:
                current.stop.set()
            for pending in pendings:
                pending.start(current)  # no-op for those already started
            if main is not None:
                main.join()  # it ended the transaction
            else:
                self.session.end()
            for pending in pendings:
                pending.wait_if_working()
        meta = model.SnapshotMeta(
            captured_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            server_version=version,
            server_version_num=version_num,
            database=database,
            alembic=alembic,
            source=self.options.redacted(),
            schemas=tuple(name for _, name in namespaces),
        )
        return model.Snapshot(meta=meta, objects=objects)

    def _server_and_snapshot(self, export: bool) -> tuple[str, int, str, str | None]:
        try:
            server = _read_server(self.session, export)
        except PgDriftError as error:
            if not export:
                raise
            # A server that cannot export snapshots: read over this connection alone.
            _log.info("pgdrift: cannot export the snapshot (%s); reading over one connection", error)
            self.session.end()
            self.session.begin()
            server = _read_server(self.session, export=False)
        check_server_version(*server[:3])
        return server

    def _collect(self, current: _Read) -> dict[str, Any]:
        """Parse the answers as they arrive, in whatever order the connections finish."""
        objects: dict[str, Any] = {}
        idle_work: list[model.ObjectTable] = []  # kinds whose file text may not be written yet
        for _ in range(current.count):
            while idle_work and current.answers.empty():
                # Nothing to parse yet: write a kind's text with its volatile fields (the file's;
                # the same text as the fingerprint's, already written, for a kind without any).
                idle_work.pop().canonical_bytes(include_volatile=True)
            answer = current.answers.get()
            if isinstance(answer, BaseException):
                raise answer
            batch, texts = answer
            for name, text in zip(batch, texts, strict=True):
                kind = BY_NAME[name]
                rows = parse_answer(text)
                if name == "extension":
                    rows = [row for row in rows if not matches_any(row["schema"], self.read_options.exclude_schemas)]
                table = objects[name] = build_objects(kind, rows, self.read_options.exclude_objects)
                # Its canonical text now, while the server still works on the other batches,
                # rather than all at the end for the fingerprint (issue 2 benchmark).
                table.canonical_bytes(include_volatile=False)
                idle_work.append(table)
        return {kind.name: objects[kind.name] for kind in registry.KINDS}

    def _helper(self, index: int, pending: _Pending) -> None:
        """Another connection: open it (or reuse it), import the snapshot, then take batches."""
        with self._lock:
            session = self._helpers.pop() if self._helpers else None
        try:
            if session is None:
                session = CatalogSession(open_session(self.options), self.options)
            else:
                session.begin()
        except Exception as error:
            if session is not None:
                session.close()
            _log.info("pgdrift: connection %d for the snapshot is unavailable (%s); reading over fewer", index, error)
            self.jobs = 1  # and not trying again on every later read
            pending.done()
            return
        with self._lock:
            self._busy.add(session)
        current = pending.wait_for_start()
        try:
            if current is None or current.snapshot_id is None or current.stop.is_set():
                return
            try:
                if not _SNAPSHOT_ID.fullmatch(current.snapshot_id):  # SET takes no parameters
                    raise CatalogError(f"unexpected snapshot id {current.snapshot_id!r}")
                session.rows(f"SET TRANSACTION SNAPSHOT '{current.snapshot_id}'", "importing the snapshot")
            except Exception as error:
                if current.batches.empty():  # too late: the other connection did everything
                    return
                _log.info("pgdrift: connection %d cannot import the snapshot (%s); reading over fewer", index, error)
                self.jobs = 1
                with self._lock:
                    self._busy.discard(session)
                session.close()
                session = None
                return
            pending.working()
            current.work(session)
        finally:
            self._release(session)
            pending.done()

    def _release(self, session: CatalogSession | None) -> None:
        """End a helper's transaction and keep its connection for the next read."""
        if session is None:
            return
        keep = session.end()
        with self._lock:
            self._busy.discard(session)
            keep = keep and not self._closed
            if keep:
                self._helpers.append(session)
        if not keep:
            session.close()

    def abort(self) -> None:
        """Cut every connection (from another thread: the monitor's time budget)."""
        with self._lock:
            sessions = [self.session, *self._helpers, *self._busy]
        for session in sessions:
            session.abort()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            helpers, self._helpers = self._helpers, []
        for session in [self.session, *helpers]:
            session.close()

    def __enter__(self) -> SnapshotReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Pending:
    """A helper connection's hand-over with the reading thread."""

    def __init__(self) -> None:
        self._started = threading.Event()
        self._finished = threading.Event()
        self._working = False
        self._read: _Read | None = None

    def start(self, current: _Read | None) -> None:
        if not self._started.is_set():
            self._read = current
            self._started.set()

    def wait_for_start(self) -> _Read | None:
        self._started.wait()
        return self._read

    def working(self) -> None:
        self._working = True

    def done(self) -> None:
        self._finished.set()

    def wait_if_working(self) -> None:
        """Wait for a helper that took batches (it may be mid-query); not for one still connecting."""
        if self._working:
            self._finished.wait()


def read_snapshot_from_session(session: CatalogSession, read: ReadOptions = ReadOptions()) -> model.Snapshot:
    """Read every registered kind through an open session, over that connection alone: its
    transaction may hold changes of its own (the golden tests read uncommitted DDL), which a
    connection importing its snapshot would not see."""
    return SnapshotReader(session.options, replace(read, jobs=1), session=session).read()


def read_snapshot(options: ConnectOptions, read: ReadOptions = ReadOptions()) -> model.Snapshot:
    """Connect, read the whole schema in one read-only transaction, disconnect."""
    with SnapshotReader(options, read) as reader:
        return reader.read()

