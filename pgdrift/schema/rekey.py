"""Re-keying a renamed table's objects under its live name: the per-kind functions the registry's
rows name (`rekey`, and `touches` to find the objects a rename affects).

`pgdrift.compare.analyze` uses them so that the generic keyed diff reports only the residual differences
of a renamed table (see `pgdrift.compare.analyze.translate_tables`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any, Protocol

from pgdrift.schema import model
from pgdrift.schema.identity import qualify, split_qualified

Objects = Mapping[str, Mapping[str, Any]]


class Rename(Protocol):
    """What re-keying needs of a table rename (`pgdrift.compare.renames.Rename`)."""

    @property
    def expected(self) -> str: ...

    @property
    def actual(self) -> str: ...


class TableMap:
    """expected (schema, table) -> actual (schema, table), plus the name substitution for children."""

    def __init__(self, expected: Objects, actual: Objects, renames: Iterable[Rename]) -> None:
        tables, live = expected.get("table", {}), actual.get("table", {})
        self.pairs = {(tables[r.expected].schema, tables[r.expected].name):
                      (live[r.actual].schema, live[r.actual].name) for r in renames}
        self.keys = {qualify(*old): qualify(*new) for old, new in self.pairs.items()}
        self.actual = actual

    def child_name(self, kind: str, old: tuple[str, str], name: str, key_of: Any) -> str:
        """`session_pkey` becomes `sessions_pkey` when only the latter exists on the live side."""
        new = self.pairs[old]
        if old[1] not in name:
            return name
        candidate = name.replace(old[1], new[1], 1)
        live = self.actual.get(kind, {})
        return candidate if key_of(candidate) in live and key_of(name) not in live else name

    def reference(self, key: str | None) -> str | None:
        return self.keys.get(key, key) if key else key


def rekey_table(obj: model.Table, table_map: TableMap, _: dict[str, str]) -> Any:
    changes: dict[str, Any] = {}
    if (obj.schema, obj.name) in table_map.pairs:
        changes["schema"], changes["name"] = table_map.pairs[(obj.schema, obj.name)]
    if obj.partition_of in table_map.keys:
        changes["partition_of"] = table_map.reference(obj.partition_of)
    if any(parent in table_map.keys for parent in obj.inherits):
        changes["inherits"] = tuple(table_map.keys.get(parent, parent) for parent in obj.inherits)
    return replace(obj, **changes) if changes else obj


def _child_key(kind: str, schema: str, table: str) -> Callable[[str], str]:
    """How a child named `name` of this table is keyed (indexes by schema, the rest by table)."""
    if kind == "index":
        return lambda name: qualify(schema, name)
    return lambda name: qualify(schema, table, name)


def rekey_child(kind: str, rename_child: bool) -> Any:
    def translate(obj: Any, table_map: TableMap, _: dict[str, str]) -> Any:
        old = (obj.schema, obj.table)
        if old not in table_map.pairs:
            return obj
        schema, table = table_map.pairs[old]
        name = obj.name
        if rename_child:
            name = table_map.child_name(kind, old, obj.name, _child_key(kind, schema, table))
        return replace(obj, schema=schema, table=table, name=name)
    return translate


_plain_child = rekey_child("column", False)


def rekey_column(obj: model.Column, table_map: TableMap, sequences: dict[str, str]) -> Any:
    new = _plain_child(obj, table_map, sequences)
    if new is not obj and new.default and sequences:
        default = new.default
        for old_name, new_name in sequences.items():
            # nextval('public.session_id_seq'::regclass): the name may or may not be qualified
            default = default.replace(f"{old_name}'::regclass", f"{new_name}'::regclass")
        new = replace(new, default=default)
    return new


def rekey_constraint(obj: model.Constraint, table_map: TableMap, sequences: dict[str, str]) -> Any:
    new = rekey_child("constraint", True)(obj, table_map, sequences)
    if obj.references in table_map.keys:
        target = table_map.keys[obj.references]
        definition = new.definition.replace(f"REFERENCES {obj.references}(", f"REFERENCES {target}(")
        new = replace(new, references=target, definition=definition)
    return new


def _privilege_table(obj: model.Privilege) -> str | None:
    """The table a grant is on: the object itself, or a column's table."""
    if obj.object_type == "table":
        return obj.object
    if obj.object_type == "column":
        return qualify(*split_qualified(obj.object)[:2])
    return None


def rekey_privilege(obj: model.Privilege, table_map: TableMap, _: dict[str, str]) -> Any:
    table = _privilege_table(obj)
    if table not in table_map.keys:
        return obj
    if obj.object_type == "table":
        return replace(obj, object=table_map.keys[table])
    column = split_qualified(obj.object)[2]
    return replace(obj, object=qualify(*split_qualified(table_map.keys[table]), column))


def in_renamed_table(obj: Any, table_map: TableMap) -> bool:
    return (obj.schema, obj.table) in table_map.pairs


def touches_table(obj: Any, table_map: TableMap) -> bool:
    return ((obj.schema, obj.name) in table_map.pairs or obj.partition_of in table_map.keys
            or any(parent in table_map.keys for parent in obj.inherits))


def touches_constraint(obj: Any, table_map: TableMap) -> bool:
    return in_renamed_table(obj, table_map) or obj.references in table_map.keys


def touches_privilege(obj: Any, table_map: TableMap) -> bool:
    return _privilege_table(obj) in table_map.keys
