"""The snapshot model: one frozen dataclass per object kind, and the `Snapshot` that holds them.

A snapshot maps kind -> {qualified name -> object}. Its canonical JSON form has sorted keys and a
stable `format_version`; its fingerprint is the sha256 of the canonical form of the objects alone
(metadata such as capture time is excluded, and so are fields marked `volatile`, like row
estimates, which change without any schema change).

Field names equal the column aliases of the catalog queries in `catalog/sql/`, so a row becomes an
object with `Model(**row)`. Reference fields (`ref`) arrive from SQL as name parts and are turned
into qualified names by `pgdrift.schema.identity`, the one place that builds names.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pgdrift.vocabulary import VersionTableStatus

try:
    import orjson
except ImportError:  # pragma: no cover - an optional speed-up
    orjson = None  # type: ignore[assignment]

FORMAT_VERSION = 2  # 2: range types, rules and column privileges
#: Alembic's version table unless configured otherwise (Alembic's own default).
DEFAULT_VERSION_TABLE = "alembic_version"
#: A version table as configured: NAME or SCHEMA.NAME, unquoted.
VERSION_TABLE_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*")

# Sorted keys; dataclasses, datetimes and subclasses of builtins are refused (and so go through
# json, which refuses or prints them its own way) instead of being serialized by orjson's rules.
_ORJSON_CANONICAL = (
    0 if orjson is None else orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
)

#: Marks a field that is stored but does not count: excluded from equality, diff and fingerprint.
VOLATILE = {"volatile": True}
#: Marks a field that the reader converts from name parts to a qualified name.
REF = {"ref": True}
#: Like REF, for a tuple of references.
REFS = {"refs": True}


def _volatile(default: Any) -> Any:
    return field(default=default, compare=False, metadata=VOLATILE)


def _ref() -> Any:
    return field(default=None, metadata=REF)


@dataclass(frozen=True, slots=True)
class Schema:
    """A schema (namespace) and its comment."""

    name: str
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table: ordinary, partitioned or foreign, its persistence, partitioning, inheritance,
    row-level security flags, replica identity (what logical replication and CDC, AWS DMS
    among them, send for an UPDATE or DELETE), storage options and comment."""

    schema: str
    name: str
    kind: str  # "table", "partitioned table" or "foreign table"
    persistence: str  # "permanent" or "unlogged"
    partition_key: str | None = None
    partition_of: str | None = _ref()
    partition_bound: str | None = None
    inherits: tuple[str, ...] = field(default=(), metadata=REFS)
    rls_enabled: bool = False
    rls_forced: bool = False
    replica_identity: str = "default"  # "default", "full", "nothing" or "index <name>"
    options: tuple[str, ...] = ()
    comment: str | None = None
    row_estimate: int = _volatile(-1)


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its type as format_type prints it, nullability, default, identity,
    generation, collation and comment."""

    schema: str
    table: str
    name: str
    type: str
    not_null: bool = False
    default: str | None = None
    identity: str | None = None  # "always" or "by default"
    generated: str | None = None  # the generation expression
    generated_kind: str | None = None  # "stored" or "virtual"
    collation: str | None = _ref()  # only when it differs from the type's default
    comment: str | None = None
    position: int = _volatile(0)


@dataclass(frozen=True, slots=True)
class Constraint:
    """A table constraint other than NOT NULL (which is on the column): its definition as
    pg_get_constraintdef prints it, without the NOT VALID / NOT ENFORCED suffixes, which are
    attributes of their own."""

    schema: str
    table: str
    name: str
    type: str  # "primary key", "foreign key", "unique", "check", "exclusion"
    definition: str
    deferrable: bool = False
    deferred: bool = False
    validated: bool = True
    enforced: bool = True
    references: str | None = _ref()
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Index:
    """An index that backs no constraint: its definition as pg_get_indexdef prints it."""

    schema: str
    table: str
    name: str
    definition: str
    unique: bool = False
    method: str = "btree"
    predicate: str | None = None
    valid: bool = True
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Sequence:
    """A sequence that is not an identity column's, and the column that owns it, if any."""

    schema: str
    name: str
    data_type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cache: int = 1
    cycle: bool = False
    owned_by: str | None = _ref()
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Enum:
    """An enum type and its labels, in their sort order."""

    schema: str
    name: str
    labels: tuple[str, ...]
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Domain:
    """A domain: its base type, nullability, default, check constraints and collation."""

    schema: str
    name: str
    base_type: str
    not_null: bool = False
    default: str | None = None
    constraints: tuple[str, ...] = ()  # "name: definition", sorted by name
    collation: str | None = _ref()
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class CompositeType:
    """A composite type (CREATE TYPE ... AS) and its attributes."""

    schema: str
    name: str
    attributes: tuple[str, ...]  # "name type", in attribute order
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class RangeType:
    """A range type (CREATE TYPE ... AS RANGE): its subtype and the functions and operator class
    that order and measure it. Its multirange type and constructor functions come with it."""

    schema: str
    name: str
    subtype: str
    subtype_opclass: str | None = _ref()
    collation: str | None = _ref()  # only when it differs from the subtype's default
    canonical: str | None = None  # the canonical function, with its argument types
    subtype_diff: str | None = None  # likewise
    multirange: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class View:
    """A view or materialized view: its definition, whitespace collapsed, and its options."""

    schema: str
    name: str
    materialized: bool
    definition: str
    options: tuple[str, ...] = ()
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Function:
    """A function, procedure or aggregate, identified by its identity arguments; its body (an
    aggregate's: its transition and final functions, types and initial values) counts by its
    hash."""

    schema: str
    name: str
    arguments: str  # identity arguments, as pg_get_function_identity_arguments prints them
    kind: str  # "function", "procedure", "aggregate", "window"
    result: str | None
    language: str
    volatility: str  # "immutable", "stable", "volatile"
    security_definer: bool = False
    leakproof: bool = False
    argument_defaults: str | None = None  # the full argument list, when some argument has a default
    strict: bool = False
    parallel: str = "unsafe"
    config: tuple[str, ...] = ()
    body_sha256: str = ""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger (constraint triggers included): its definition and whether it fires."""

    schema: str
    table: str
    name: str
    definition: str
    enabled: str = "origin"  # "origin", "disabled", "replica", "always"
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A rewrite rule (CREATE RULE) on a table or view; a view's own query is the view."""

    schema: str
    table: str
    name: str
    definition: str
    enabled: str = "origin"  # "origin", "disabled", "replica", "always"
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Extension:
    """An installed extension, its version and schema (its own objects are left out)."""

    name: str
    version: str
    schema: str


@dataclass(frozen=True, slots=True)
class Policy:
    """A row-level security policy."""

    schema: str
    table: str
    name: str
    command: str  # "all", "select", "insert", "update", "delete"
    permissive: bool
    roles: tuple[str, ...]
    using: str | None = None
    with_check: str | None = None


@dataclass(frozen=True, slots=True)
class Privilege:
    """What one grantee holds on one table, column, sequence, schema or function (the owner's
    implicit privileges left out)."""

    object_type: str  # "table", "column", "sequence", "schema", "function"
    object: str  # the object's key in its own kind
    grantee: str  # role name, or "PUBLIC"
    privileges: tuple[str, ...]  # sorted; "ALL" when the grantee holds every privilege
    grantable: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Collation:
    """A user-defined collation."""

    schema: str
    name: str
    provider: str  # "libc", "icu", "builtin"
    collate: str | None = None
    ctype: str | None = None
    locale: str | None = None
    deterministic: bool = True
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class AlembicState:
    """What `alembic_version` said: present (with revisions), absent, or unreadable (with why)."""

    status: VersionTableStatus
    revisions: tuple[str, ...] = ()
    table: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class SnapshotMeta:
    """Where and when a snapshot was taken; none of it counts for the fingerprint."""

    captured_at: str
    server_version: str
    server_version_num: int
    database: str
    alembic: AlembicState
    source: str = ""  # the redacted DSN or file the snapshot came from
    schemas: tuple[str, ...] = ()  # the schemas that were read


# ---------------------------------------------------------------------------------------------
# Conversion between objects and plain JSON values


def _field_plan(model: type) -> tuple[tuple[str, bool, bool], ...]:
    """(name, is_tuple, is_volatile) per field, computed once per model."""
    plan = []
    for model_field in dataclasses.fields(model):
        is_tuple = str(model_field.type).startswith("tuple")
        plan.append((model_field.name, is_tuple, bool(model_field.metadata.get("volatile"))))
    return tuple(plan)


@functools.cache
def dataclass_fields(model: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(model)


_PLANS: dict[type, tuple[tuple[str, bool, bool], ...]] = {}


def plan_of(model: type) -> tuple[tuple[str, bool, bool], ...]:
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = _field_plan(model)
    return plan


@functools.cache
def _json_converter(model: type, include_volatile: bool) -> Callable[[Any], dict[str, Any]]:
    """A function that builds the JSON value of one model's objects, generated once per model.

    A dict display over attribute reads is twice as fast as a loop over the fields, and a
    snapshot converts every object twice (fingerprint and dump: 150,000 calls at 5,000 tables,
    issue 2 benchmark). dataclasses generates __init__ the same way. Field names are Python
    identifiers, so the generated source holds nothing but them.
    """
    items = [f"{name!r}: list(obj.{name})" if is_tuple else f"{name!r}: obj.{name}"
             for name, is_tuple, is_volatile in plan_of(model) if include_volatile or not is_volatile]
    namespace: dict[str, Any] = {}
    exec(f"def convert(obj):\n    return {{{', '.join(items)}}}\n", namespace)
    return namespace["convert"]  # type: ignore[no-any-return,unused-ignore]


def to_json_value(obj: Any, include_volatile: bool = True) -> dict[str, Any]:
    """An object as a JSON-ready dict (tuples become lists)."""
    model_type: type = type(obj)
    return _json_converter(model_type, include_volatile)(obj)


_REQUIRED = object()


@dataclass(frozen=True)
class _Builder:
    """How to build one model from a JSON value quickly, computed once per model.

    A frozen dataclass's __init__ sets each field through object.__setattr__, which made up a
    third of a 5,000-table snapshot's parsing (issue 2 benchmark). For slotted models without
    __post_init__ or default factories, __init__ does nothing but set the fields, so setting
    the slots directly builds the same object at half the cost.
    """

    known: frozenset[str]
    tuple_fields: frozenset[str]
    slots: tuple[tuple[str, Callable[[Any, Any], None], Any], ...] | None  # (name, setter, default)


@functools.cache
def _builder_of(model: type) -> _Builder:
    fields = dataclasses.fields(model)
    plain = "__slots__" in model.__dict__ and not hasattr(model, "__post_init__") and all(
        field.default_factory is dataclasses.MISSING and field.init for field in fields)
    slots = tuple((field.name, getattr(model, field.name).__set__,
                   _REQUIRED if field.default is dataclasses.MISSING else field.default)
                  for field in fields) if plain else None
    return _Builder(known=frozenset(field.name for field in fields),
                    tuple_fields=frozenset(name for name, is_tuple, _ in plan_of(model) if is_tuple), slots=slots)


def from_json_value(model: type, value: Mapping[str, Any]) -> Any:
    """The inverse of `to_json_value`; unknown fields are an error, missing ones take defaults."""
    builder = _builder_of(model)
    unknown = value.keys() - builder.known
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)} for {model.__name__}")
    if builder.slots is None:
        arguments = {name: tuple(item) if name in builder.tuple_fields and item is not None else item
                     for name, item in value.items()}
        return model(**arguments)
    obj: Any = object.__new__(model)
    for name, set_slot, default in builder.slots:
        item = value.get(name, default)
        if item is _REQUIRED:
            raise TypeError(f"{model.__name__}: missing required field {name!r}")
        if item is not None and name in builder.tuple_fields:
            item = tuple(item)
        set_slot(obj, item)
    return obj


@functools.cache
def field_names(model: type) -> frozenset[str]:
    return frozenset(name for name, _, _ in plan_of(model))


@functools.cache
def volatile_fields(model: type) -> frozenset[str]:
    return frozenset(name for name, _, is_volatile in plan_of(model) if is_volatile)


def canonical_value(model: type, value: dict[str, Any]) -> dict[str, Any]:
    """`value` as `to_json_value(from_json_value(model, value))` would give it.

    A value that already names every field is taken as it is (the catalog queries and snapshot
    files give exactly that, with arrays as lists; tests/test_object_table.py checks it for every
    kind); anything else goes through the model, which fills defaults and refuses unknown fields.
    """
    if value.keys() == field_names(model):
        return value
    return to_json_value(from_json_value(model, value))


class ObjectTable(Mapping[str, Any]):
    """The objects of one kind, kept as their canonical JSON values and built on first access.

    A 5,000-table snapshot holds 75,000 objects. Reading, fingerprinting and writing one only
    needs their JSON values, and diffing two only needs the objects whose values differ; building
    every frozen dataclass and converting it back twice was half of a snapshot's client time
    (issue 2 benchmark). To everything else this is a read-only {key: object} mapping.
    """

    __slots__ = ("_built", "_canonical", "model", "raw")

    def __init__(self, model: type, values: dict[str, dict[str, Any]]) -> None:
        self.model = model
        self.raw = values  # key -> canonical JSON value; never mutated
        self._built: dict[str, Any] = {}
        self._canonical: dict[bool, bytes] = {}

    @classmethod
    def from_values(cls, model: type, values: Mapping[str, dict[str, Any]]) -> ObjectTable:
        return cls(model, {key: canonical_value(model, value) for key, value in values.items()})

    def __getitem__(self, key: str) -> Any:
        obj = self._built.get(key)
        if obj is None:
            obj = self._built[key] = from_json_value(self.model, self.raw[key])
        return obj

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def __repr__(self) -> str:
        return f"ObjectTable({self.model.__name__}, {len(self.raw)} objects)"

    def json_values(self, include_volatile: bool) -> dict[str, dict[str, Any]]:
        volatile = volatile_fields(self.model)
        if include_volatile or not volatile:
            return self.raw
        stripped = {}
        for key, value in self.raw.items():
            copy = value.copy()  # a C-level copy and a delete: 2.5x faster than a comprehension
            for name in volatile:
                del copy[name]  # canonical values hold every field
            stripped[key] = copy
        return stripped

    def canonical_bytes(self, include_volatile: bool) -> bytes:
        """`canonical_dumps_bytes(self.json_values(include_volatile))`, computed once.

        The values never change, so the text is kept: the snapshot reader writes each kind's as
        its answer arrives, while the server still works on the others, and the fingerprint and
        the file are then put together from these pieces (issue 2 benchmark). A kind without
        volatile fields has one text for both.
        """
        with_volatile = include_volatile or not volatile_fields(self.model)
        text = self._canonical.get(with_volatile)
        if text is None:
            values = self.json_values(include_volatile)
            text = self._canonical[with_volatile] = canonical_dumps_bytes(values, no_floats=True)
        return text


def canonical_kind_bytes(objects: Mapping[str, Any], include_volatile: bool) -> bytes:
    """The canonical JSON of one kind's {key: JSON value} (no model field is a float)."""
    if isinstance(objects, ObjectTable):
        return objects.canonical_bytes(include_volatile)
    return canonical_dumps_bytes(json_values(objects, include_volatile), no_floats=True)


def json_values(objects: Mapping[str, Any], include_volatile: bool) -> dict[str, dict[str, Any]]:
    """{key: JSON value} of a kind's objects, whether kept as values or as objects."""
    if isinstance(objects, ObjectTable):
        return objects.json_values(include_volatile)
    return {key: to_json_value(obj, include_volatile) for key, obj in objects.items()}


def equal_at(left: Mapping[str, Any], right: Mapping[str, Any], key: str) -> bool:
    """Whether two {key: object} maps hold equal objects (or none) at `key`.

    Equal canonical values mean equal objects, so two ObjectTables are compared without building
    anything; values that differ may still be equal objects (volatile fields), so those are built.
    """
    if (isinstance(left, ObjectTable) and isinstance(right, ObjectTable) and left.model is right.model
            and left.raw.get(key) == right.raw.get(key)):
        return True
    return bool(left.get(key) == right.get(key))


def compared_fields(model: type) -> tuple[str, ...]:
    """The fields that count for equality and diff (everything not volatile)."""
    return tuple(name for name, _, is_volatile in plan_of(model) if not is_volatile)


def canonical_dumps(value: Any, *, no_floats: bool = False) -> str:
    """The canonical JSON text: sorted keys, no insignificant whitespace, UTF-8 as is.

    With `no_floats` (the caller guarantees the value holds no float, as snapshot content never
    does), orjson writes the same text about ten times faster when it is installed: the two
    differ only in how they print floats (`1e+16` against `1e16`). Anything orjson refuses
    (integers beyond 64 bits, say) goes through json. tests/test_canonical_json.py checks that
    both agree.
    """
    return canonical_dumps_bytes(value, no_floats=no_floats).decode("utf-8")


def canonical_dumps_bytes(value: Any, *, no_floats: bool = False) -> bytes:
    """`canonical_dumps` as UTF-8 bytes (what orjson writes, and what a file or a hash takes)."""
    if no_floats and orjson is not None:
        try:
            return orjson.dumps(value, option=_ORJSON_CANONICAL)  # type: ignore[no-any-return,unused-ignore]
        except TypeError:
            pass
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_loads(data: bytes | str) -> Any:
    """Parse JSON: orjson when installed (several times faster on catalog answers and snapshot
    files; issue 2 benchmark), json for what orjson refuses, so that json's own error message
    names what is wrong, and integers beyond 64 bits (which orjson does not read) are read."""
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


@dataclass(frozen=True)
class Snapshot:
    """A complete schema: kind name -> {key -> object}, plus metadata that does not count."""

    meta: SnapshotMeta
    objects: Mapping[str, Mapping[str, Any]]
    format_version: int = FORMAT_VERSION

    def of_kind(self, kind: str) -> Mapping[str, Any]:
        return self.objects.get(kind, {})

    def content(self, include_volatile: bool = False) -> dict[str, dict[str, dict[str, Any]]]:
        """The objects as plain JSON values, kinds in sorted order (the canonical writers sort
        the keys within each kind, and every key of every object)."""
        return {kind: json_values(objects, include_volatile) for kind, objects in sorted(self.objects.items())}

    def content_parts(self, include_volatile: bool = False) -> list[bytes]:
        """`canonical_dumps_bytes(self.content(include_volatile))` in pieces (to hash or to write
        without copying megabytes into one string): `{"kind":{...},...}`, kinds in sorted order,
        each kind's text its own (cached) canonical text."""
        parts = [b"{"]
        for index, (kind, objects) in enumerate(sorted(self.objects.items())):
            if index:
                parts.append(b",")
            parts += (canonical_dumps_bytes(kind), b":", canonical_kind_bytes(objects, include_volatile))
        parts.append(b"}")
        return parts

    @property
    def fingerprint(self) -> str:
        """sha256 over the canonical form of the schema content (no metadata, no volatile fields)."""
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            hasher = hashlib.sha256()
            for part in self.content_parts():
                hasher.update(part)
            digest = hasher.hexdigest()
            cached = f"sha256:{digest}"
            object.__setattr__(self, "_fingerprint", cached)
        return cached

    def counts(self) -> dict[str, int]:
        return {kind: len(objects) for kind, objects in sorted(self.objects.items())}

    def same_schema(self, other: Snapshot) -> bool:
        return self.fingerprint == other.fingerprint
