"""The drift engine: two snapshots -> the graded findings that every report, alert and exit code reads.

`analyze` runs, in order:

1. table rename candidates among the tables only one side has (`pgdrift.compare.renames`);
2. the expected side's renamed tables (and their children) are re-keyed under the live names,
   so the generic keyed diff reports only the residual differences of a renamed table;
3. the generic keyed diff (`pgdrift.compare.diff`);
4. column rename candidates within each table, replacing a missing + unexpected pair by one
   `renamed` finding plus any residual attribute changes; likewise indexes, constraints and
   triggers of one table that are identical but for their name;
5. children of wholly missing/unexpected tables, and grants on wholly missing/unexpected
   objects, are folded into that object's finding; unexpected partitions of a partitioned table
   that both sides have are folded into one finding on that table (`partitions`);
6. default severities and reasons (`pgdrift.compare.grading`), then the config's overrides and
   waivers (`pgdrift.compare.config`).

Residual findings of a renamed table or column name the live object.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pgdrift.compare.config import DriftConfig, apply_config
from pgdrift.compare.diff import (
    attribute_changes,
    diff_kinds,
    fold_partitions,
    fold_privileges,
    fold_table_children,
    sort_changes,
)
from pgdrift.compare.findings import Change, MigrationStatus, Report, Side
from pgdrift.compare.grading import default_reason, default_severity
from pgdrift.compare.renames import Rename, match_columns, match_identical, match_tables
from pgdrift.schema import kinds as registry
from pgdrift.schema import model
from pgdrift.schema.identity import qualify
from pgdrift.schema.kinds import BY_NAME
from pgdrift.schema.rekey import TableMap
from pgdrift.vocabulary import ChangeType

Objects = Mapping[str, Mapping[str, Any]]


def analyze(expected: model.Snapshot, actual: model.Snapshot,
            config: DriftConfig | None = None) -> list[Change]:
    """Every difference between `expected` and `actual`, with renames, severities and waivers."""
    config = config or DriftConfig()
    expected_objects: Objects = expected.objects
    table_renames: list[Rename] = []
    if config.renames:
        table_renames = _table_renames(expected.objects, actual.objects)
        if table_renames:
            expected_objects = translate_tables(expected.objects, actual.objects, table_renames)
    changes: list[Change] = [_rename_change(rename) for rename in table_renames]
    changes += diff_kinds(expected_objects, actual.objects)
    if config.renames:
        changes = fold_column_renames(changes, expected_objects, actual.objects)
        changes = fold_identical_renames(changes, expected_objects, actual.objects)
    folded = fold_privileges(fold_table_children(changes))
    folded = fold_partitions(folded, expected_objects.get("table", {}), actual.of_kind("table"))
    return grade_all(folded, config)


def grade(change: Change) -> Change:
    """Attach the default severity and reason."""
    return replace(change, severity=default_severity(change), reason=default_reason(change))


def grade_all(changes: Iterable[Change], config: DriftConfig | None = None) -> list[Change]:
    """Default severities and reasons, then the config's overrides and waivers, sorted: what every
    list of findings goes through, so one finding reads the same wherever it is listed (issue 15)."""
    return sort_changes(apply_config([grade(change) for change in changes], config or DriftConfig()))


def _table_renames(expected: Objects, actual: Objects) -> list[Rename]:
    """Rename candidates among the tables only one side has. Partitions are never candidates: a
    day's partition is not another day's partition renamed, even with the same columns."""
    expected_tables, actual_tables = expected.get("table", {}), actual.get("table", {})
    missing = {key for key in expected_tables.keys() - actual_tables.keys()
               if expected_tables[key].partition_of is None}
    unexpected = {key for key in actual_tables.keys() - expected_tables.keys()
                  if actual_tables[key].partition_of is None}
    return match_tables(expected, actual, missing, unexpected) if missing and unexpected else []


def _rename_change(rename: Rename) -> Change:
    return Change(kind=rename.kind, change=ChangeType.RENAMED, object=rename.expected, expected=rename.expected,
                  actual=rename.actual, table=rename.actual if rename.kind == "table" else None,
                  confidence=rename.confidence, detail={"evidence": rename.evidence})


# ---------------------------------------------------------------------------------------------
# Re-keying renamed tables


def translate_tables(expected: Objects, actual: Objects,
                     renames: Sequence[Rename]) -> dict[str, Mapping[str, Any]]:
    """The expected objects with each renamed table (and its children) under its live name.

    Only the kinds that hold affected objects are copied, and only affected objects rebuilt.
    """
    table_map = TableMap(expected, actual, renames)
    result: dict[str, Mapping[str, Any]] = dict(expected)
    sequence_names: dict[str, str] = {}
    _translate_sequences(result, table_map, sequence_names)
    for kind in registry.KINDS:
        if kind.rekey is None or kind.touches is None:
            continue
        touches = kind.touches
        objects = result.get(kind.name, {})
        affected = [key for key, obj in objects.items() if touches(obj, table_map)]
        if not affected:
            continue
        copy = dict(objects)
        for key in affected:
            new = kind.rekey(copy.pop(key), table_map, sequence_names)
            copy[kind.key(new)] = new
        result[kind.name] = copy
    return result


def _translate_sequences(objects: dict[str, Mapping[str, Any]], table_map: TableMap,
                         renamed: dict[str, str]) -> None:
    owned = {key: sequence.owned_by.rsplit(".", 1)[0] for key, sequence in objects.get("sequence", {}).items()
             if sequence.owned_by and sequence.owned_by.rsplit(".", 1)[0] in table_map.keys}
    if not owned:
        return
    sequences = dict(objects["sequence"])
    objects["sequence"] = sequences
    for key, owner in owned.items():
        sequence = sequences[key]
        old = next(pair for pair, _ in table_map.pairs.items() if qualify(*pair) == owner)
        schema = sequence.schema
        name = table_map.child_name("sequence", old, sequence.name, lambda n, s=schema: qualify(s, n))
        column = sequence.owned_by.rsplit(".", 1)[1]
        new = replace(sequence, name=name, owned_by=f"{table_map.keys[owner]}.{column}")
        del sequences[key]
        sequences[qualify(new.schema, new.name)] = new
        if name != sequence.name:
            renamed[sequence.name] = name


# ---------------------------------------------------------------------------------------------
# Column renames


def fold_column_renames(changes: list[Change], expected: Objects, actual: Objects) -> list[Change]:
    """Replace a missing + unexpected column pair judged a rename by one `renamed` finding."""
    missing: dict[str, dict[str, Any]] = defaultdict(dict)
    unexpected: dict[str, dict[str, Any]] = defaultdict(dict)
    for change in changes:
        if change.kind == "column" and change.change == ChangeType.MISSING and change.table:
            missing[change.table][change.object] = expected["column"][change.object]
        elif change.kind == "column" and change.change == ChangeType.UNEXPECTED and change.table:
            unexpected[change.table][change.object] = actual["column"][change.object]
    renames = [rename for table in sorted(missing.keys() & unexpected.keys())
               for rename in match_columns(missing[table], unexpected[table])]
    if not renames:
        return changes
    gone = {(ChangeType.MISSING, r.expected) for r in renames} | {(ChangeType.UNEXPECTED, r.actual) for r in renames}
    kept = [c for c in changes if not (c.kind == "column" and (c.change, c.object) in gone)]
    column_kind = BY_NAME["column"]
    for rename in renames:
        before, after = expected["column"][rename.expected], actual["column"][rename.actual]
        kept.append(replace(_rename_change(rename), table=column_kind.table(after)))
        kept.extend(attribute_changes(column_kind, rename.actual, replace(before, name=after.name), after))
    return kept


def _signature(kind_name: str) -> Callable[[Any], tuple[Any, ...]]:
    kind = BY_NAME[kind_name]
    fields = [name for name in model.compared_fields(kind.model) if name not in ("name", "comment")]

    def signature(obj: Any) -> tuple[Any, ...]:
        values = []
        for name in fields:
            normalize = kind.compared_as.get(name)
            value = getattr(obj, name)
            values.append(normalize(obj, value) if normalize else value)
        return tuple(values)
    return signature


def _renamed_when_identical(kind_name: str) -> bool:
    kind = BY_NAME.get(kind_name)
    return kind is not None and kind.renamed_when_identical


def fold_identical_renames(changes: list[Change], expected: Objects, actual: Objects) -> list[Change]:
    """Replace a missing + unexpected index/constraint/trigger pair that differs only by name."""
    pairs: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = defaultdict(lambda: ({}, {}))
    for change in changes:
        whole = change.change in (ChangeType.MISSING, ChangeType.UNEXPECTED)
        if _renamed_when_identical(change.kind) and change.table and whole:
            side = 0 if change.change == ChangeType.MISSING else 1
            source = expected if side == 0 else actual
            pairs[(change.kind, change.table)][side][change.object] = source[change.kind][change.object]
    renames = []
    for (kind_name, _), (missing, unexpected) in sorted(pairs.items()):
        if missing and unexpected:
            found = match_identical(missing, unexpected, _signature(kind_name))
            renames += [replace(rename, kind=kind_name) for rename in found]
    if not renames:
        return changes
    gone = ({(r.kind, ChangeType.MISSING, r.expected) for r in renames}
            | {(r.kind, ChangeType.UNEXPECTED, r.actual) for r in renames})
    kept = [change for change in changes if (change.kind, change.change, change.object) not in gone]
    for rename in renames:
        obj = actual[rename.kind][rename.actual]
        kept.append(replace(_rename_change(rename), table=BY_NAME[rename.kind].table(obj)))
    return kept


# ---------------------------------------------------------------------------------------------
# Reports


def side_of(snapshot: model.Snapshot, source: str, revisions: tuple[str, ...] | None = None) -> Side:
    """One side of a report, with its object counts; `revisions` default to its alembic_version."""
    meta = snapshot.meta
    return Side(source=source, fingerprint=snapshot.fingerprint, database=meta.database or None,
                server_version=meta.server_version or None, captured_at=meta.captured_at or None,
                revisions=meta.alembic.revisions if revisions is None else revisions,
                object_counts=tuple(snapshot.counts().items()))


def make_report(expected: model.Snapshot, actual: model.Snapshot, changes: Iterable[Change], *,
                expected_source: str, actual_source: str, migrations: MigrationStatus | None = None,
                expected_revisions: tuple[str, ...] | None = None,
                actual_revisions: tuple[str, ...] | None = None,
                title: str = "Schema drift report", now: datetime | None = None) -> Report:
    """A report of one comparison; `now` defaults to the current UTC time. The sides are built
    here and nowhere else (a side rebuilt a layer up once lost its object counts)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return Report(expected=side_of(expected, expected_source, expected_revisions),
                  actual=side_of(actual, actual_source, actual_revisions),
                  changes=tuple(changes), generated_at=moment.isoformat().replace("+00:00", "Z"),
                  migrations=migrations, title=title)
