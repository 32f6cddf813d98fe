"""One generic keyed diff over the registry of object kinds.

Set algebra on keys gives missing (expected only), unexpected (actual only) and common objects;
common objects are compared field by field (volatile fields excluded). The output is sorted and
deterministic, and `diff_snapshots(s, s)` is empty.

Some attributes are compared in a normalized form, because they repeat what the key already
says: index and trigger definitions embed their own name, their table's name and (indexes) the
method and predicate, and constraint definitions repeat their deferrability; comparing them
whole would report one change twice. The reported values stay as the server printed them.
Expressions are compared as the server prints them: formatting never counts, but logically
equal expressions written differently (`WHERE active` and `WHERE active = true`) do.

Children of a missing or unexpected table (its columns, constraints, indexes, triggers,
policies) are folded into the table's finding, counted in `detail["children"]`, so one missing
table is one finding, not fifty; likewise the grants on any missing or unexpected object.
Pass `fold=False` to keep them (the ledger does, to attribute
every object to the migration that created it).

Severities, reasons, renames and waivers are applied afterwards by `pgdrift.compare.grading`,
`pgdrift.compare.renames` and `pgdrift.compare.config`; this module only finds differences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from pgdrift.compare.findings import Change
from pgdrift.schema import kinds as registry
from pgdrift.schema import model
from pgdrift.schema.kinds import Kind
from pgdrift.vocabulary import ChangeType


def attribute_changes(kind: Kind, key: str, before: Any, after: Any) -> list[Change]:
    """One `altered` change per attribute that differs between two objects of the same key."""
    changes = []
    for name in model.compared_fields(kind.model):
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        normalize = kind.compared_as.get(name)
        if normalize is not None and normalize(before, old) == normalize(after, new):
            continue
        changes.append(Change(kind=kind.name, change=ChangeType.ALTERED, object=key, attribute=name,
                              table=kind.table(after), expected=_plain(old), actual=_plain(new)))
    return changes


def diff_objects(kind: Kind, expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[Change]:
    """Differences between two {key: object} maps of one kind, sorted by key."""
    changes: list[Change] = []
    for key in sorted(expected.keys() - actual.keys()):
        obj = expected[key]
        changes.append(Change(kind=kind.name, change=ChangeType.MISSING, object=key, table=kind.table(obj),
                              expected=model.to_json_value(obj, include_volatile=False)))
    for key in sorted(actual.keys() - expected.keys()):
        obj = actual[key]
        changes.append(Change(kind=kind.name, change=ChangeType.UNEXPECTED, object=key, table=kind.table(obj),
                              actual=model.to_json_value(obj, include_volatile=False), detail=_rows(obj)))
    for key in sorted(expected.keys() & actual.keys()):
        if not model.equal_at(expected, actual, key):
            changes.extend(attribute_changes(kind, key, expected[key], actual[key]))
    return changes


def _rows(obj: Any) -> Mapping[str, Any]:
    """An unexpected table's row estimate (volatile, so not in its value), for the reports'
    "what would dropping it lose" (issue 15); -1 means never analysed, and is left out."""
    if isinstance(obj, model.Table) and obj.row_estimate >= 0:
        return {"row_estimate": obj.row_estimate}
    return {}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def fold_table_children(changes: Iterable[Change]) -> list[Change]:
    """Fold the findings on objects of a missing/unexpected table into that table's finding."""
    changes = list(changes)
    whole_tables = {(change.object, change.change) for change in changes
                    if change.kind == "table" and change.change in (ChangeType.MISSING, ChangeType.UNEXPECTED)}
    if not whole_tables:
        return changes
    children: dict[tuple[str, str], Counter[str]] = {}
    kept: list[Change] = []
    for change in changes:
        parent = (change.table, change.change) if change.table else None
        if change.kind != "table" and parent in whole_tables:
            assert parent is not None
            children.setdefault(parent, Counter())[change.kind] += 1
            continue
        kept.append(change)
    result = []
    for change in kept:
        counted = children.get((change.object, change.change))
        if change.kind == "table" and counted:
            change = replace(change, detail={**change.detail, "children": dict(sorted(counted.items()))})
        result.append(change)
    return result


def fold_partitions(changes: Iterable[Change], expected: Mapping[str, Any],
                    actual: Mapping[str, Any]) -> list[Change]:
    """Fold the unexpected partitions of a partitioned table that both sides have into one
    `altered` finding on that table's `partitions` (expected and found, by name).

    Partitions made at run time (pg_partman, a scheduled job, the application) are the same
    table as their parent, cut by a bound: one finding per parent, rather than one per partition
    every day, which would page someone for each new day. A missing partition stays a missing
    table: writes into its range fail.
    """
    changes = list(changes)
    groups: dict[str, list[Change]] = {}
    kept: list[Change] = []
    for change in changes:
        new_table = change.kind == "table" and change.change == ChangeType.UNEXPECTED
        parent = change.actual.get("partition_of") if new_table else None
        if parent is not None and parent in expected and parent in actual:
            groups.setdefault(parent, []).append(change)
        else:
            kept.append(change)
    for parent, extra in groups.items():
        children: Counter[str] = Counter()
        for change in extra:
            children.update(change.detail.get("children", {}))
        kept.append(Change(
            kind="table", change=ChangeType.ALTERED, object=parent, attribute="partitions", table=parent,
            expected=_partitions_of(parent, expected), actual=_partitions_of(parent, actual),
            detail={"unexpected_partitions": sorted(change.object for change in extra),
                    **({"children": dict(sorted(children.items()))} if children else {})}))
    return kept


def _partitions_of(parent: str, tables: Mapping[str, Any]) -> list[str]:
    return sorted(key for key, table in tables.items() if table.partition_of == parent)


def fold_privileges(changes: Iterable[Change]) -> list[Change]:
    """Fold the grants on a missing/unexpected object (PUBLIC EXECUTE on a function, say) into
    that object's finding, counted in `detail["children"]`."""
    changes = list(changes)
    whole = {_whole_key(change): change for change in changes
             if change.change in (ChangeType.MISSING, ChangeType.UNEXPECTED)}
    grants: Counter[tuple[str, str, str]] = Counter()
    kept = []
    for change in changes:
        owner = _privilege_owner(change, whole) if change.kind == "privilege" else None
        if owner is None:
            kept.append(change)
        else:
            grants[_whole_key(owner)] += 1
    return [_with_grants(change, grants[_whole_key(change)]) for change in kept]


def _whole_key(change: Change) -> tuple[str, str, str]:
    return change.kind, change.object, change.change


def _with_grants(change: Change, count: int) -> Change:
    if not count:
        return change
    children = dict(change.detail.get("children", {}))
    children["privilege"] = children.get("privilege", 0) + count
    return replace(change, detail={**change.detail, "children": children})


def _privilege_owner(change: Change, whole: Mapping[tuple[str, str, str], Change]) -> Change | None:
    value = change.expected if change.change == ChangeType.MISSING else change.actual
    if change.change not in (ChangeType.MISSING, ChangeType.UNEXPECTED) or not isinstance(value, dict):
        return None
    for kind in registry.privilege_owners(value.get("object_type", "")):
        owner = whole.get((kind, value.get("object", ""), change.change))
        if owner is not None:
            return owner
    return None


def sort_changes(changes: Iterable[Change]) -> list[Change]:
    order = registry.kind_order()
    return sorted(changes, key=lambda c: (order.get(c.kind, 99), c.object, c.attribute or "", c.change))


def diff_kinds(expected: Mapping[str, Mapping[str, Any]], actual: Mapping[str, Mapping[str, Any]],
               kinds: Iterable[Kind] | None = None) -> list[Change]:
    """The raw differences between two {kind: {key: object}} maps, kind by kind (unfolded)."""
    changes: list[Change] = []
    for kind in registry.KINDS if kinds is None else kinds:
        changes.extend(diff_objects(kind, expected.get(kind.name, {}), actual.get(kind.name, {})))
    return changes


def diff_snapshots(expected: model.Snapshot, actual: model.Snapshot, fold: bool = True,
                   kinds: Iterable[Kind] | None = None) -> list[Change]:
    """Every difference between two snapshots, in registry order, then by name."""
    changes = diff_kinds(expected.objects, actual.objects, kinds)
    return sort_changes(fold_privileges(fold_table_children(changes)) if fold else changes)
