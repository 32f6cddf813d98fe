"""One generic keyed diff over the registry of object kinds.

Set algebra on keys gives missing (expected only), unexpected (actual only) and common objects;
common objects are compared field by field (volatile fields excluded). The output is sorted and
deterministic, and `diff_snapshots(s, s)` is empty.

Children of a missing or unexpected table (its columns, constraints, indexes, triggers,
policies) are folded into the table's finding, counted in `detail["children"]`, so one missing
table is one finding, not fifty. Pass `fold=False` to keep them (the ledger does, to attribute
every object to the migration that created it).

Severities, reasons, renames and waivers are applied afterwards by `pgdrift.severity`,
`pgdrift.renames` and `pgdrift.config`; this module only finds differences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from pgdrift import model
from pgdrift.registry import KINDS, Kind
from pgdrift.report import Change

KIND_ORDER = {kind.name: position for position, kind in enumerate(KINDS)}


def diff_objects(kind: Kind, expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[Change]:
    """Differences between two {key: object} maps of one kind, sorted by key."""
    changes: list[Change] = []
    for key in sorted(expected.keys() - actual.keys()):
        obj = expected[key]
        changes.append(Change(kind=kind.name, change="missing", object=key, table=kind.table(obj),
                              expected=model.to_json_value(obj, include_volatile=False)))
    for key in sorted(actual.keys() - expected.keys()):
        obj = actual[key]
        changes.append(Change(kind=kind.name, change="unexpected", object=key, table=kind.table(obj),
                              actual=model.to_json_value(obj, include_volatile=False)))
    fields = model.compared_fields(kind.model)
    for key in sorted(expected.keys() & actual.keys()):
        before, after = expected[key], actual[key]
        if before == after:
            continue
        for name in fields:
            old, new = getattr(before, name), getattr(after, name)
            if old != new:
                changes.append(Change(kind=kind.name, change="altered", object=key, attribute=name,
                                      table=kind.table(before), expected=_plain(old), actual=_plain(new)))
    return changes


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def fold_table_children(changes: Iterable[Change]) -> list[Change]:
    """Fold the findings on objects of a missing/unexpected table into that table's finding."""
    changes = list(changes)
    whole_tables = {(change.object, change.change) for change in changes
                    if change.kind == "table" and change.change in ("missing", "unexpected")}
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
            change.detail["children"] = dict(sorted(counted.items()))
        result.append(change)
    return result


def sort_changes(changes: Iterable[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (KIND_ORDER.get(c.kind, 99), c.object, c.attribute or "", c.change))


def diff_snapshots(expected: model.Snapshot, actual: model.Snapshot, fold: bool = True,
                   kinds: Iterable[Kind] = KINDS) -> list[Change]:
    """Every difference between two snapshots, in registry order, then by name."""
    changes: list[Change] = []
    for kind in kinds:
        changes.extend(diff_objects(kind, expected.of_kind(kind.name), actual.of_kind(kind.name)))
    return sort_changes(fold_table_children(changes) if fold else changes)
