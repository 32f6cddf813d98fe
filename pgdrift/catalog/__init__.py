"""The catalog reader: a live database -> `Snapshot`, from pg_catalog in bulk.

One query per object kind (the `.sql` files beside this module), each aggregated by the server
with json_agg so the client parses one JSON value per kind instead of decoding rows in Python.
The number of round trips is constant (about 20) whatever the size of the schema.

The reader needs no table privileges: pg_catalog is readable by every role, while
information_schema hides objects the role cannot use.

Locks: everything runs in one read-only, repeatable-read transaction (so the kinds agree with each
other). PostgreSQL's deparsing functions (pg_get_indexdef, pg_get_constraintdef, pg_get_expr,
pg_get_viewdef) open the relations they describe with AccessShareLock, the lock a plain SELECT
takes, held until the transaction ends: tens of milliseconds for an application-sized schema.
Nothing stronger is ever taken. If a migration already holds ACCESS EXCLUSIVE, our request waits
at most lock_timeout (default 1 s) and fails with a clear "DDL in progress" error; a waiting
AccessShareLock does not block the application's own queries. See tests/test_catalog_safety.py.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from pgdrift import model

try:
    import orjson
except ImportError:  # pragma: no cover - an optional speed-up
    orjson = None  # type: ignore[assignment]
from pgdrift.connect import ConnectOptions, open_session, translate_error
from pgdrift.errors import CatalogError
from pgdrift.identity import function_key, matches_any, qualify
from pgdrift.registry import KINDS, Kind

#: RDS's and AWS DMS's own objects, left out unless configured otherwise.
DEFAULT_EXCLUDE_SCHEMAS = ("rdsadmin", "rdsadmin_*", "awsdms_*", "aws_commons", "aws_s3")
DEFAULT_EXCLUDE_OBJECTS = ("awsdms_*",)


@dataclass(frozen=True)
class ReadOptions:
    """Which schemas and objects to read."""

    include_schemas: tuple[str, ...] = ()  # empty = every non-system schema
    exclude_schemas: tuple[str, ...] = DEFAULT_EXCLUDE_SCHEMAS
    exclude_objects: tuple[str, ...] = DEFAULT_EXCLUDE_OBJECTS


@cache
def load_sql(file_name: str) -> str:
    return resources.files("pgdrift.catalog").joinpath("sql", file_name).read_text(encoding="utf-8")


def parse_answer(text: str) -> list[dict[str, Any]]:
    """A catalog query's JSON answer as rows.

    orjson, when installed, parses it several times faster than json (issue 2 benchmark). It
    would read integers beyond 64 bits as floats, but catalog answers hold no such integers:
    their numbers are int2, int4, int8 and oid values.
    """
    if orjson is not None:
        return orjson.loads(text)  # type: ignore[no-any-return,unused-ignore]
    return json.loads(text)  # type: ignore[no-any-return,unused-ignore]


class CatalogSession:
    """A connection plus a counter of round trips (measured by tests and the benchmark)."""

    def __init__(self, connection: Any, options: ConnectOptions) -> None:
        self.connection = connection
        self.options = options
        self.round_trips = 2  # the settings and START TRANSACTION in open_session

    def rows(self, sql: str, operation: str, **parameters: Any) -> list[list[Any]]:
        self.round_trips += 1
        try:
            return list(self.connection.run(sql, **parameters) or [])
        except Exception as error:
            raise translate_error(error, operation, self.options) from None

    def json_text(self, file_name: str, operation: str, **parameters: Any) -> str:
        """Run a catalog query and let the server aggregate its rows into one JSON array."""
        body = load_sql(file_name)
        wrapped = f"SELECT coalesce(json_agg(q), '[]')::text FROM (\n{body}\n) AS q"
        (text,) = self.rows(wrapped, operation, **parameters)[0]
        return str(text)

    def json_rows(self, file_name: str, operation: str, **parameters: Any) -> list[dict[str, Any]]:
        return parse_answer(self.json_text(file_name, operation, **parameters))

    def close(self) -> None:
        try:
            self.connection.run("ROLLBACK")
            self.connection.close()
        except Exception:  # closing is best effort; the transaction was read-only
            pass


# ---------------------------------------------------------------------------------------------
# Per-kind row normalisation. Each one is a presentation detail that differs between servers or
# formatting styles but not in meaning; each has a test in tests/test_normalize.py.

_WHITESPACE = re.compile(r"\s+")


def normalize_whitespace(text: str | None) -> str | None:
    """Collapse runs of whitespace and trim: view text is reformatted by the server anyway."""
    return None if text is None else _WHITESPACE.sub(" ", text).strip()


def body_hash(body: str | None) -> str:
    """Function bodies count by content, not by indentation or trailing blank lines."""
    normalized = "\n".join(line.rstrip() for line in (body or "").strip().splitlines())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


_CONSTRAINT_SUFFIXES = re.compile(r"( NOT VALID| NOT ENFORCED)+$")

#: Every privilege a grantee can hold on a table, per server generation (MAINTAIN is PG 17+).
_ALL_TABLE_PRIVILEGES = {"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"}
_ALL_PRIVILEGES = {
    "table": (_ALL_TABLE_PRIVILEGES, _ALL_TABLE_PRIVILEGES | {"MAINTAIN"}),
    "sequence": ({"SELECT", "UPDATE", "USAGE"},) * 2,
    "schema": ({"CREATE", "USAGE"},) * 2,
    "function": ({"EXECUTE"},) * 2,
}


def _normalize_constraint(row: dict[str, Any]) -> dict[str, Any]:
    # `validated` and `enforced` are their own attributes; keeping the suffix in the definition
    # too would report one change twice.
    row["definition"] = _CONSTRAINT_SUFFIXES.sub("", row["definition"])
    return row


def _normalize_view(row: dict[str, Any]) -> dict[str, Any]:
    row["definition"] = normalize_whitespace(row["definition"])
    return row


def _normalize_function(row: dict[str, Any]) -> dict[str, Any]:
    row["body_sha256"] = body_hash(row.pop("body"))
    return row


def _privilege_names(names: Sequence[str], object_type: str) -> tuple[str, ...]:
    """"ALL" when the grantee holds every privilege, so GRANT ALL reads the same on PG 16 and 18."""
    held = set(names)
    fulls = _ALL_PRIVILEGES.get(object_type, ())
    if len(held) > 1 and any(held == full for full in fulls):
        return ("ALL",)
    return tuple(sorted(held))


def _normalize_privilege(row: dict[str, Any]) -> dict[str, Any]:
    parts = row["object"]
    object_type = row["object_type"]
    row["object"] = function_key(*parts) if object_type == "function" else qualify(*parts)
    row["privileges"] = _privilege_names(row["privileges"], object_type)
    row["grantable"] = _privilege_names(row["grantable"], object_type) if row["grantable"] else ()
    return row


NORMALIZERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "constraint": _normalize_constraint,
    "view": _normalize_view,
    "function": _normalize_function,
    "privilege": _normalize_privilege,
}


@cache
def _reference_fields(model_type: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields of a model that hold one reference, and those that hold a tuple of them."""
    fields = model.dataclass_fields(model_type)
    return (tuple(field.name for field in fields if field.metadata.get("ref")),
            tuple(field.name for field in fields if field.metadata.get("refs")))


def _resolve_refs(model_type: type, row: dict[str, Any]) -> dict[str, Any]:
    single, multiple = _reference_fields(model_type)
    for name in single:
        value = row.get(name)
        if value is not None:
            row[name] = qualify(*value)
    for name in multiple:
        value = row.get(name)
        if value is not None:
            row[name] = tuple(qualify(*parts) for parts in value)
    return row


@cache
def _name_matcher(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """One compiled regex for all shell-style patterns, equivalent to `matches_any`.

    Calling fnmatchcase per pattern and per row took ~2 us a row, a tenth of the client time
    at 5,000 tables (issue 2 benchmark).
    """
    return re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in patterns)).match


def _excluded(row: dict[str, Any], matches: Callable[[str], object]) -> bool:
    for name in ("name", "table"):
        value = row.get(name)
        if isinstance(value, str) and matches(value):
            return True
    return False


def build_objects(kind: Kind, rows: list[dict[str, Any]], exclude_objects: Sequence[str]) -> dict[str, Any]:
    """Rows of one kind -> {key: object}. A duplicate key is an error, never a silent merge."""
    normalize = NORMALIZERS.get(kind.name)
    matches = _name_matcher(tuple(exclude_objects)) if exclude_objects else None
    objects: dict[str, Any] = {}
    for row in rows:
        if matches is not None and _excluded(row, matches):
            continue
        if normalize is not None:
            row = normalize(row)
        obj = model.from_json_value(kind.model, _resolve_refs(kind.model, row))
        key = kind.key(obj)
        if key in objects:
            raise CatalogError(f"reading {kind.label}s: two objects share the name {key}")
        objects[key] = obj
    return objects


# ---------------------------------------------------------------------------------------------


def _select_namespaces(session: CatalogSession, read: ReadOptions) -> list[tuple[int, str]]:
    rows = session.json_rows("namespaces.sql", f"listing schemas of database {session.options.database!r}")
    selected = []
    for row in rows:
        name = row["name"]
        if read.include_schemas and name not in read.include_schemas:
            continue
        if matches_any(name, read.exclude_schemas):
            continue
        selected.append((int(row["oid"]), name))
    return selected


def _read_server(session: CatalogSession) -> tuple[str, int, str]:
    sql = "SELECT current_setting('server_version'), current_setting('server_version_num')::int, current_database()"
    version, version_num, database = session.rows(sql, "reading the server version")[0]
    return str(version), int(version_num), str(database)


def read_alembic_state(session: CatalogSession, namespace_oids: str) -> model.AlembicState:
    """Read `alembic_version` if present; absence or a missing grant is recorded, not raised."""
    found = session.rows(
        "SELECT n.nspname, c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE c.relname = 'alembic_version' AND c.relkind IN ('r', 'p', 'v') "
        "AND c.relnamespace = ANY (:namespaces::oid[]) ORDER BY n.nspname = 'public' DESC, n.nspname LIMIT 1",
        "looking for alembic_version", namespaces=namespace_oids)
    if not found:
        return model.AlembicState(status="absent")
    table = qualify(*found[0])
    session.rows("SAVEPOINT pgdrift_alembic", "reading alembic_version")
    try:
        rows = session.connection.run(f"SELECT version_num FROM {table} ORDER BY 1")
        session.round_trips += 1
    except Exception as error:
        session.rows("ROLLBACK TO SAVEPOINT pgdrift_alembic", "reading alembic_version")
        reason = translate_error(error, f"reading {table}", session.options)
        return model.AlembicState(status="unreadable", table=table, detail=str(reason))
    return model.AlembicState(status="present", table=table, revisions=tuple(str(row[0]) for row in rows))


@contextmanager
def _prefetched_kinds(session: CatalogSession, database: str, namespaces: str) -> Iterator[Iterator[tuple[Kind, str]]]:
    """The JSON answer of every kind's query, in KINDS order, fetched one step ahead of the caller.

    One background thread sends the queries one after the other while the caller parses the
    previous answer, so the server's execution and the network overlap with the client's
    parsing (issue 2 benchmark: together they are most of a snapshot's time). Only that thread
    touches the connection until the block exits, which waits for it and drops what is left
    after an error. The queries and their order are unchanged, and so are the round trips.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pgdrift-catalog")
    futures = [(kind, pool.submit(session.json_text, kind.sql, f"reading {kind.label}s of database {database!r}",
                                  namespaces=namespaces)) for kind in KINDS]
    try:
        yield ((kind, future.result()) for kind, future in futures)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def read_snapshot_from_session(session: CatalogSession, read: ReadOptions = ReadOptions()) -> model.Snapshot:
    """Read every registered kind through an open session."""
    version, version_num, database = _read_server(session)
    namespaces = _select_namespaces(session, read)
    oids = "{" + ",".join(str(oid) for oid, _ in namespaces) + "}"
    objects: dict[str, dict[str, Any]] = {}
    with _prefetched_kinds(session, database, oids) as answers:
        for kind, text in answers:
            rows = parse_answer(text)
            if kind.name == "extension":
                rows = [row for row in rows if not matches_any(row["schema"], read.exclude_schemas)]
            objects[kind.name] = build_objects(kind, rows, read.exclude_objects)
    meta = model.SnapshotMeta(
        captured_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        server_version=version,
        server_version_num=version_num,
        database=database,
        alembic=read_alembic_state(session, oids),
        source=session.options.redacted(),
        schemas=tuple(name for _, name in namespaces),
    )
    return model.Snapshot(meta=meta, objects=objects)


def read_snapshot(options: ConnectOptions, read: ReadOptions = ReadOptions()) -> model.Snapshot:
    """Connect, read the whole schema in one read-only transaction, disconnect."""
    session = CatalogSession(open_session(options), options)
    try:
        return read_snapshot_from_session(session, read)
    finally:
        session.close()


def with_source(snapshot: model.Snapshot, source: str) -> model.Snapshot:
    return replace(snapshot, meta=replace(snapshot.meta, source=source))
