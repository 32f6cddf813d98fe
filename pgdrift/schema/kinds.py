"""The registry of object kinds: one keyword-only row per kind carries everything that is per kind.

The reader, the diff, the drift engine, severities, reasons, attribution and the reports all read
these rows; none keeps a table of kinds of its own. Adding a kind means one `.sql` file in
`catalog/sql/`, one dataclass in `model.py` and one row here (its row names any per-kind function
it needs, from `pgdrift.schema.normalize` or `pgdrift.schema.rekey`). Nothing else changes; tests/test_registry.py
proves it with a throwaway kind. The `.sql` file ends in ORDER BY its `key_fields` or says why not
(tests/test_catalog_sql.py checks every row's file).

Imports flow one way: this module imports the model and the pure helpers its rows name, and is
imported by the reader, the diff and everything above them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from pgdrift.schema import model, normalize, rekey
from pgdrift.schema.identity import function_key, qualify, split_qualified
from pgdrift.schema.rekey import TableMap
from pgdrift.vocabulary import Severity

#: f(row) -> row: a catalog row normalised before it becomes an object.
RowNormalizer = Callable[[dict[str, Any]], dict[str, Any]]
#: f(object, value) -> the form in which two values of one attribute compare.
ComparedAs = Callable[[Any, Any], Any]
#: f(object, table map, renamed sequences) -> the object under a renamed table's live name.
Rekey = Callable[[Any, TableMap, dict[str, str]], Any]


def _no_fields() -> Mapping[str, ComparedAs]:
    return MappingProxyType({})


@dataclass(frozen=True, kw_only=True)
class Kind:
    name: str  # the key in Snapshot.objects and `kind` in a change
    model: type
    sql: str  # file name in catalog/sql/
    key_fields: tuple[str, ...]  # the fields that name an object ...
    join_key: Callable[..., str]  # ... and how they make its key (its qualified name)
    table: Callable[[Any], str | None]  # the table it belongs to, for grouping in reports
    missing_severity: Severity  # default severity when the object is missing from the actual side
    label: str  # singular, human-readable
    # (round trip, place in it): the reader's batches, derived from the rows (pgdrift.catalog.reader.batches)
    batch: tuple[int, int]
    normalize: RowNormalizer | None = None  # the catalog row before it becomes an object
    # attribute -> the form its values compare in, where the value repeats what the key says
    compared_as: Mapping[str, ComparedAs] = field(default_factory=_no_fields, compare=False)
    behaviour: bool = False  # an altered definition changes behaviour (graded high)
    # the reason's "what breaks", true whether it was dropped or is not created yet (issue 15)
    missing_consequence: str = "code that relies on it may fail"
    rekey: Rekey | None = None  # the object under a renamed table's live name ...
    touches: Callable[[Any, TableMap], bool] | None = None  # ... for the objects a rename affects
    relation_namespace: bool = False  # its names share pg_class's namespace per schema
    renamed_when_identical: bool = False  # a missing + unexpected pair identical but for the name is a rename
    privilege_object_types: tuple[str, ...] = ()  # a privilege's object_types granted on it

    @property
    def plural(self) -> str:
        """"indexes", "policies", "columns": for messages."""
        return plural(self.label)

    def key(self, obj: Any) -> str:
        """An object's key."""
        return self.join_key(*(getattr(obj, name) for name in self.key_fields))

    @cached_property
    def row_key(self) -> Callable[[dict[str, Any]], str]:
        """A JSON value's key (the same as `key` of the object it describes)."""
        get, join = itemgetter(*self.key_fields), self.join_key
        if len(self.key_fields) == 1:
            return lambda row: join(get(row))
        return lambda row: join(*get(row))


def plural(word: str) -> str:
    """"indexes", "policies", "columns": the plural of a kind's label or another English noun."""
    if word.endswith(("x", "s", "sh", "ch")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + "s"


def counted(count: int, word: str) -> str:
    """"1 index", "2 indexes": every count of things in a message is said this way (issue 15)."""
    return f"{count} {word if count == 1 else plural(word)}"


def counted_kind(count: int, kind: str) -> str:
    """"2 enum types": a count of objects of a kind (by its name in the registry), in its label."""
    known = BY_NAME.get(kind)
    return counted(count, known.label if known else kind)


def _table_of(obj: Any) -> str:
    return qualify(obj.schema, obj.table)


def _no_table(obj: Any) -> None:
    return None


def _itself(obj: Any) -> str:
    return qualify(obj.schema, obj.name)


def _owning_table(obj: Any) -> str | None:
    """A serial column's sequence belongs to that column's table: it comes and goes with it."""
    if not obj.owned_by:
        return None
    return qualify(*split_qualified(obj.owned_by)[:2])


def _privilege_key(object_type: str, obj: str, grantee: str) -> str:
    return f"{object_type} {obj} TO {grantee}"


_NAME = ("name",)
_SCHEMA_NAME = ("schema", "name")
_IN_TABLE = ("schema", "table", "name")
_TYPE_FAILS = "columns and casts of this type will fail"

# The batches (round trips) are ordered heaviest first; see pgdrift.catalog.reader.batches for why.
KINDS: tuple[Kind, ...] = (
    Kind(name="schema", model=model.Schema, sql="schemas.sql", key_fields=_NAME, join_key=qualify,
         table=_no_table, missing_severity=Severity.HIGH, label="schema", batch=(5, 0),
         missing_consequence="every object expected in it is unreachable", privilege_object_types=("schema",)),
    Kind(name="extension", model=model.Extension, sql="extensions.sql", key_fields=_NAME, join_key=qualify,
         table=_no_table, missing_severity=Severity.HIGH, label="extension", batch=(5, 1),
         missing_consequence="the types and functions it provides are unavailable"),
    Kind(name="collation", model=model.Collation, sql="collations.sql", key_fields=_SCHEMA_NAME, join_key=qualify,
         table=_no_table, missing_severity=Severity.MEDIUM, label="collation", batch=(5, 2),
         missing_consequence="columns and expressions that use it will fail"),
    Kind(name="enum", model=model.Enum, sql="enums.sql", key_fields=_SCHEMA_NAME, join_key=qualify,
         table=_no_table, missing_severity=Severity.HIGH, label="enum type", batch=(5, 3), behaviour=True,
         missing_consequence=_TYPE_FAILS),
    Kind(name="domain", model=model.Domain, sql="domains.sql", key_fields=_SCHEMA_NAME, join_key=qualify,
         table=_no_table, missing_severity=Severity.HIGH, label="domain", batch=(5, 4), behaviour=True,
         missing_consequence=_TYPE_FAILS),
    Kind(name="composite_type", model=model.CompositeType, sql="composite_types.sql", key_fields=_SCHEMA_NAME,
         join_key=qualify, table=_no_table, missing_severity=Severity.HIGH, label="composite type", batch=(5, 5),
         behaviour=True, missing_consequence="code that uses this type will fail"),
    Kind(name="range_type", model=model.RangeType, sql="range_types.sql", key_fields=_SCHEMA_NAME, join_key=qualify,
         table=_no_table, missing_severity=Severity.HIGH, label="range type", batch=(5, 6), behaviour=True,
         missing_consequence=_TYPE_FAILS),
    Kind(name="sequence", model=model.Sequence, sql="sequences.sql", key_fields=_SCHEMA_NAME, join_key=qualify,
         table=_owning_table, missing_severity=Severity.HIGH, label="sequence", batch=(4, 2),
         missing_consequence="defaults and code that draw from it will fail", relation_namespace=True,
         privilege_object_types=("sequence",)),
    Kind(name="table", model=model.Table, sql="tables.sql", key_fields=_SCHEMA_NAME, join_key=qualify,
         table=_itself, missing_severity=Severity.CRITICAL, label="table", batch=(2, 0),
         missing_consequence="queries that use it will fail", rekey=rekey.rekey_table,
         touches=rekey.touches_table, relation_namespace=True, privilege_object_types=("table",)),
    Kind(name="column", model=model.Column, sql="columns.sql", key_fields=_IN_TABLE, join_key=qualify,
         table=_table_of, missing_severity=Severity.CRITICAL, label="column", batch=(1, 0),
         missing_consequence="queries that use it will fail", rekey=rekey.rekey_column,
         touches=rekey.in_renamed_table, privilege_object_types=("column",)),
    Kind(name="constraint", model=model.Constraint, sql="constraints.sql", key_fields=_IN_TABLE, join_key=qualify,
         table=_table_of, missing_severity=Severity.HIGH, label="constraint", batch=(0, 1),
         normalize=normalize.normalize_constraint_row,
         compared_as=MappingProxyType({"definition": normalize.constraint_body}), behaviour=True,
         missing_consequence="the database does not enforce it, so invalid rows can be written",
         renamed_when_identical=True,
         rekey=rekey.rekey_constraint, touches=rekey.touches_constraint),
    Kind(name="index", model=model.Index, sql="indexes.sql", key_fields=_SCHEMA_NAME, join_key=qualify,
         table=_table_of, missing_severity=Severity.MEDIUM, label="index", batch=(0, 0),
         normalize=normalize.normalize_index_row, compared_as=MappingProxyType({"definition": normalize.index_body}),
         rekey=rekey.rekey_child("index", True), touches=rekey.in_renamed_table, relation_namespace=True,
         renamed_when_identical=True),
    Kind(name="view", model=model.View, sql="views.sql", key_fields=_SCHEMA_NAME, join_key=qualify,
         table=_no_table, missing_severity=Severity.HIGH, label="view", batch=(6, 0),
         normalize=normalize.normalize_view_row,
         behaviour=True, missing_consequence="queries that read it will fail", relation_namespace=True,
         privilege_object_types=("table",)),
    Kind(name="function", model=model.Function, sql="functions.sql", key_fields=("schema", "name", "arguments"),
         join_key=function_key, table=_no_table, missing_severity=Severity.HIGH, label="function", batch=(4, 1),
         normalize=normalize.normalize_function_row, behaviour=True, missing_consequence="calls to it will fail",
         privilege_object_types=("function",)),
    Kind(name="trigger", model=model.Trigger, sql="triggers.sql", key_fields=_IN_TABLE, join_key=qualify,
         table=_table_of, missing_severity=Severity.HIGH, label="trigger", batch=(4, 0),
         compared_as=MappingProxyType({"definition": normalize.trigger_body}), behaviour=True,
         missing_consequence="the behaviour it implements does not run",
         rekey=rekey.rekey_child("trigger", True), touches=rekey.in_renamed_table, renamed_when_identical=True),
    Kind(name="rule", model=model.Rule, sql="rules.sql", key_fields=_IN_TABLE, join_key=qualify,
         table=_table_of, missing_severity=Severity.HIGH, label="rule", batch=(6, 1), behaviour=True,
         missing_consequence="the rewriting it implements does not happen",
         rekey=rekey.rekey_child("rule", True), touches=rekey.in_renamed_table),
    Kind(name="policy", model=model.Policy, sql="policies.sql", key_fields=_IN_TABLE, join_key=qualify,
         table=_table_of, missing_severity=Severity.HIGH, label="policy", batch=(5, 7), behaviour=True,
         missing_consequence="row-level security does not apply it",
         rekey=rekey.rekey_child("policy", False), touches=rekey.in_renamed_table),
    Kind(name="privilege", model=model.Privilege, sql="privileges.sql",
         key_fields=("object_type", "object", "grantee"), join_key=_privilege_key, table=_no_table,
         missing_severity=Severity.LOW, label="privilege", batch=(3, 0), normalize=normalize.normalize_privilege_row,
         missing_consequence="the grantee cannot do what it expects",
         rekey=rekey.rekey_privilege, touches=rekey.touches_privilege),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}


# Derived lookups, computed from the rows when asked (so a test may register a kind by replacing
# KINDS and adding to BY_NAME).


def kind_order() -> dict[str, int]:
    """Kind name -> its place in the registry (the order of reports)."""
    return {kind.name: position for position, kind in enumerate(KINDS)}


def privilege_owners(object_type: str) -> tuple[str, ...]:
    """The kinds a privilege of `object_type` may be granted on, in registry order."""
    return tuple(kind.name for kind in KINDS if object_type in kind.privilege_object_types)


def relation_kinds() -> tuple[str, ...]:
    """The kinds whose names share one namespace per schema (pg_class)."""
    return tuple(kind.name for kind in KINDS if kind.relation_namespace)


def kind_named(name: str) -> Kind:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown object kind {name!r}; known kinds: {', '.join(BY_NAME)}") from None
