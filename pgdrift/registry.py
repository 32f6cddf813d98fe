"""The registry of object kinds: one row per kind drives the reader, the diff and the reports.

Adding a kind means one `.sql` file in `catalog/sql/`, one dataclass in `model.py` and one row
here. Nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

from pgdrift import model
from pgdrift.identity import function_key, qualify, split_qualified


@dataclass(frozen=True)
class Kind:
    name: str  # the key in Snapshot.objects and `kind` in a change
    model: type
    sql: str  # file name in catalog/sql/
    key_fields: tuple[str, ...]  # the fields that name an object ...
    join_key: Callable[..., str]  # ... and how they make its key (its qualified name)
    table: Callable[[Any], str | None]  # the table it belongs to, for grouping in reports
    missing_severity: str  # default severity when the object is missing from the actual side
    label: str  # singular, human-readable

    @property
    def plural(self) -> str:
        """"indexes", "policies", "columns": for messages."""
        if self.label.endswith("x"):
            return self.label + "es"
        if self.label.endswith("y"):
            return self.label[:-1] + "ies"
        return self.label + "s"

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


def _table_of(obj: Any) -> str:
    return qualify(obj.schema, obj.table)


def _no_table(obj: Any) -> None:
    return None


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

KINDS: tuple[Kind, ...] = (
    Kind("schema", model.Schema, "schemas.sql", _NAME, qualify, _no_table, "high", "schema"),
    Kind("extension", model.Extension, "extensions.sql", _NAME, qualify, _no_table, "high", "extension"),
    Kind("collation", model.Collation, "collations.sql", _SCHEMA_NAME, qualify, _no_table, "medium", "collation"),
    Kind("enum", model.Enum, "enums.sql", _SCHEMA_NAME, qualify, _no_table, "high", "enum type"),
    Kind("domain", model.Domain, "domains.sql", _SCHEMA_NAME, qualify, _no_table, "high", "domain"),
    Kind("composite_type", model.CompositeType, "composite_types.sql", _SCHEMA_NAME, qualify, _no_table, "high",
         "composite type"),
    Kind("range_type", model.RangeType, "range_types.sql", _SCHEMA_NAME, qualify, _no_table, "high", "range type"),
    Kind("sequence", model.Sequence, "sequences.sql", _SCHEMA_NAME, qualify, _owning_table, "high", "sequence"),
    Kind("table", model.Table, "tables.sql", _SCHEMA_NAME, qualify, lambda o: qualify(o.schema, o.name),
         "critical", "table"),
    Kind("column", model.Column, "columns.sql", _IN_TABLE, qualify, _table_of, "critical", "column"),
    Kind("constraint", model.Constraint, "constraints.sql", _IN_TABLE, qualify, _table_of, "high", "constraint"),
    Kind("index", model.Index, "indexes.sql", _SCHEMA_NAME, qualify, _table_of, "medium", "index"),
    Kind("view", model.View, "views.sql", _SCHEMA_NAME, qualify, _no_table, "high", "view"),
    Kind("function", model.Function, "functions.sql", ("schema", "name", "arguments"), function_key, _no_table,
         "high", "function"),
    Kind("trigger", model.Trigger, "triggers.sql", _IN_TABLE, qualify, _table_of, "high", "trigger"),
    Kind("rule", model.Rule, "rules.sql", _IN_TABLE, qualify, _table_of, "high", "rule"),
    Kind("policy", model.Policy, "policies.sql", _IN_TABLE, qualify, _table_of, "high", "policy"),
    Kind("privilege", model.Privilege, "privileges.sql", ("object_type", "object", "grantee"), _privilege_key,
         _no_table, "low", "privilege"),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}


def kind_named(name: str) -> Kind:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown object kind {name!r}; known kinds: {', '.join(BY_NAME)}") from None
