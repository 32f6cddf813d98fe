"""The registry of object kinds: one row per kind drives the reader, the diff and the reports.

Adding a kind means one `.sql` file in `catalog/sql/`, one dataclass in `model.py` and one row
here. Nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pgdrift import model
from pgdrift.identity import function_key, qualify, split_qualified


@dataclass(frozen=True)
class Kind:
    name: str  # the key in Snapshot.objects and `kind` in a change
    model: type
    sql: str  # file name in catalog/sql/
    key: Callable[[Any], str]  # the object's qualified name
    table: Callable[[Any], str | None]  # the table it belongs to, for grouping in reports
    missing_severity: str  # default severity when the object is missing from the actual side
    label: str  # singular, human-readable


def _schema_name(obj: Any) -> str:
    return qualify(obj.schema, obj.name)


def _in_table(obj: Any) -> str:
    return qualify(obj.schema, obj.table, obj.name)


def _table_of(obj: Any) -> str:
    return qualify(obj.schema, obj.table)


def _no_table(obj: Any) -> None:
    return None


def _owning_table(obj: Any) -> str | None:
    """A serial column's sequence belongs to that column's table: it comes and goes with it."""
    if not obj.owned_by:
        return None
    return qualify(*split_qualified(obj.owned_by)[:2])


def _privilege_key(obj: model.Privilege) -> str:
    return f"{obj.object_type} {obj.object} TO {obj.grantee}"


KINDS: tuple[Kind, ...] = (
    Kind("schema", model.Schema, "schemas.sql", lambda o: qualify(o.name), _no_table, "high", "schema"),
    Kind("extension", model.Extension, "extensions.sql", lambda o: qualify(o.name), _no_table, "high",
         "extension"),
    Kind("collation", model.Collation, "collations.sql", _schema_name, _no_table, "medium", "collation"),
    Kind("enum", model.Enum, "enums.sql", _schema_name, _no_table, "high", "enum type"),
    Kind("domain", model.Domain, "domains.sql", _schema_name, _no_table, "high", "domain"),
    Kind("composite_type", model.CompositeType, "composite_types.sql", _schema_name, _no_table, "high",
         "composite type"),
    Kind("sequence", model.Sequence, "sequences.sql", _schema_name, _owning_table, "high", "sequence"),
    Kind("table", model.Table, "tables.sql", _schema_name, _schema_name, "critical", "table"),
    Kind("column", model.Column, "columns.sql", _in_table, _table_of, "critical", "column"),
    Kind("constraint", model.Constraint, "constraints.sql", _in_table, _table_of, "high", "constraint"),
    Kind("index", model.Index, "indexes.sql", _schema_name, _table_of, "medium", "index"),
    Kind("view", model.View, "views.sql", _schema_name, _no_table, "high", "view"),
    Kind("function", model.Function, "functions.sql", lambda o: function_key(o.schema, o.name, o.arguments),
         _no_table, "high", "function"),
    Kind("trigger", model.Trigger, "triggers.sql", _in_table, _table_of, "high", "trigger"),
    Kind("policy", model.Policy, "policies.sql", _in_table, _table_of, "high", "policy"),
    Kind("privilege", model.Privilege, "privileges.sql", _privilege_key, _no_table, "low", "privilege"),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}


def kind_named(name: str) -> Kind:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown object kind {name!r}; known kinds: {', '.join(BY_NAME)}") from None
