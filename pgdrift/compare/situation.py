"""The situation a report describes, in the three answers the person woken by pgdrift needs (issue 15):

1. what changed that no migration explains (the out-of-band findings, each with the migration
   that last shaped the object, if any);
2. how far behind the database is (the pending migrations, each with a one-line summary of what
   it does and its hazards; the findings it explains are folded under it);
3. what will break when it catches up (the hazards).

Computed once from a `Report` and read by every renderer. Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pgdrift.compare.findings import Change, Hazard, PendingMigration, Report
from pgdrift.schema.kinds import BY_NAME
from pgdrift.vocabulary import Cause, ChangeType, MigrationState


@dataclass(frozen=True)
class PendingStep:
    """One pending migration: what it does (`effects`), the findings it explains, its hazards."""

    revision: str
    date: str | None
    message: str
    effects: str  # e.g. "creates 3 tables; adds 20 columns to providers"
    findings: tuple[Change, ...]  # the report's findings this migration explains
    hazards: tuple[Hazard, ...]
    down_revisions: tuple[str, ...] = ()  # two or more: a merge


@dataclass(frozen=True)
class Situation:
    name: str  # the target, or the actual side's database
    attributed: bool  # a ledger explained the findings (else there is no out-of-band/pending split)
    state: MigrationState | None  # None without a ledger
    lag_days: float | None
    out_of_band: tuple[Change, ...]  # active findings no migration explains, report order
    unplaced: tuple[Change, ...]  # active findings of a pending migration the status does not list
    pending: tuple[PendingStep, ...]
    hazards: tuple[Hazard, ...]
    waived: tuple[Change, ...]  # findings under a valid waiver, said apart

    @property
    def headline(self) -> str:
        return headline(self.name, len(self.out_of_band), self.state, len(self.pending), self.lag_days,
                        len(self.hazards), self.attributed)


def situation(report: Report, target: str | None = None) -> Situation:
    """The three answers of `report`; `target` names it (else the actual side's database)."""
    status = report.migrations
    active = report.active_changes
    explained: dict[str, list[Change]] = defaultdict(list)
    for change in active:
        if change.cause == Cause.PENDING_MIGRATION and change.migration is not None:
            explained[change.migration].append(change)
    pending = status.pending if status is not None else ()
    steps = tuple(_step(migration, tuple(explained.get(migration.revision, ()))) for migration in pending)
    folded = {id(change) for step in steps for change in step.findings}
    return Situation(
        name=target or report.actual.database or report.actual.source,
        attributed=status is not None,
        state=status.state if status is not None else None,
        lag_days=status.lag_days if status is not None else None,
        out_of_band=tuple(change for change in active if change.cause != Cause.PENDING_MIGRATION),
        unplaced=tuple(change for change in active
                       if change.cause == Cause.PENDING_MIGRATION and id(change) not in folded),
        pending=steps,
        hazards=tuple(hazard for step in steps for hazard in step.hazards),
        waived=tuple(change for change in report.changes if not change.active),
    )


def _step(migration: PendingMigration, findings: tuple[Change, ...]) -> PendingStep:
    # The migration's own changes say what it does; a report stored without them (before
    # issue 15) still has the live findings it explains.
    return PendingStep(revision=migration.revision, date=migration.date, message=migration.message,
                       effects=effects(migration.changes or findings), findings=findings,
                       hazards=migration.hazards, down_revisions=migration.down_revisions)


# ---------------------------------------------------------------------------------------------
# Words


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    if word.endswith(("s", "x")):
        return f"{count} {word}es"
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}s"


def headline(name: str, out_of_band: int, state: MigrationState | None, pending: int, lag_days: float | None,
             hazards: int, attributed: bool = True) -> str:
    """"prod: 5 out-of-band changes · 16 migrations pending (15.9 days) · 3 hazards"."""
    if not attributed:
        return f"{name}: {plural(out_of_band, 'difference')} from the expected schema"
    parts = [f"{plural(out_of_band, 'out-of-band change')}", _migration_part(state, pending, lag_days),
             plural(hazards, "hazard")]
    return f"{name}: {' · '.join(parts)}"


def _migration_part(state: MigrationState | None, pending: int, lag_days: float | None) -> str:
    days = f" ({lag_days:.1f} days)" if lag_days else ""
    count = f"{plural(pending, 'migration')} pending"
    if state == MigrationState.AT_HEAD:
        return f"{count}, at head"
    if state == MigrationState.BRANCHED:
        return f"diverged: {count}{days}"
    if state == MigrationState.AHEAD_OR_UNKNOWN and not pending:
        return "migration state unknown (ahead of the ledger?)"
    if state in (MigrationState.NO_VERSION_TABLE, MigrationState.UNREADABLE):
        return f"migration state {str(state).replace('_', ' ')}"
    return f"{count}{days}"


def short(name: str) -> str:
    """A qualified name without the default schema, for summaries."""
    return name.removeprefix("public.")


def effects(changes: Iterable[Change]) -> str:
    """What a migration does, in a line: "creates 3 tables; adds 20 columns to providers; adds
    enum label stage_changed". `changes` read head against the database before the migration:
    missing is what it creates, unexpected what it drops."""
    changes = tuple(changes)
    parts: list[str] = []
    parts += _counted(changes, "table", ChangeType.MISSING, "creates")
    parts += _columns(changes, ChangeType.MISSING, "adds", "to")
    parts += _counted(changes, "table", ChangeType.UNEXPECTED, "drops")
    parts += _columns(changes, ChangeType.UNEXPECTED, "drops", "from")
    parts += _altered_columns(changes)
    parts += _enum_labels(changes)
    for change in changes:
        if change.change == ChangeType.RENAMED:
            parts.append(f"renames {_label(change.kind)} {short(str(change.actual))} to {short(str(change.expected))}")
    handled = {"table", "column"}
    others = tuple(c for c in changes if c.kind not in handled and c.change != ChangeType.RENAMED
              and not _is_enum_labels(c))
    for change_type, verb in ((ChangeType.MISSING, "creates"), (ChangeType.UNEXPECTED, "drops"),
                              (ChangeType.ALTERED, "alters")):
        kinds = Counter(c.kind for c in others if c.change == change_type)
        for kind in sorted(kinds):
            parts += _counted(others, kind, change_type, verb)
    return "; ".join(parts) or "no schema changes"


def _label(kind: str) -> str:
    known = BY_NAME.get(kind)
    return known.label if known else kind


def _counted(changes: tuple[Change, ...], kind: str, change_type: ChangeType, verb: str) -> list[str]:
    names = sorted({short(c.object) for c in changes if c.kind == kind and c.change == change_type})
    if not names:
        return []
    if len(names) == 1:  # one object is named, more are counted
        return [f"{verb} {_label(kind)} {names[0]}"]
    return [f"{verb} {plural(len(names), _label(kind))}"]


def _columns(changes: tuple[Change, ...], change_type: ChangeType, verb: str, preposition: str) -> list[str]:
    by_table: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        if change.kind == "column" and change.change == change_type:
            table = change.table or change.object.rsplit(".", 1)[0]
            by_table[short(table)].append(short(change.object).removeprefix(short(table) + "."))
    parts = []
    for table, columns in sorted(by_table.items()):
        if len(columns) == 1:
            parts.append(f"{verb} column {table}.{columns[0]}")
        else:
            parts.append(f"{verb} {plural(len(columns), 'column')} {preposition} {table}")
    return parts


def _altered_columns(changes: tuple[Change, ...]) -> list[str]:
    attributes: dict[str, set[str]] = defaultdict(set)
    for change in changes:
        if change.kind == "column" and change.change == ChangeType.ALTERED:
            attributes[short(change.object)].add(change.attribute or "definition")
    return [f"alters column {column} ({', '.join(sorted(names))})" for column, names in sorted(attributes.items())]


def _is_enum_labels(change: Change) -> bool:
    return change.kind == "enum" and change.change == ChangeType.ALTERED and change.attribute == "labels"


def _enum_labels(changes: tuple[Change, ...]) -> list[str]:
    parts = []
    for change in changes:
        if not _is_enum_labels(change):
            continue
        after = list(change.expected or ())
        before = list(change.actual or ())
        added = [label for label in after if label not in before]
        removed = [label for label in before if label not in after]
        if added:
            parts.append(f"adds enum label{'s' if len(added) > 1 else ''} {', '.join(added)} to {short(change.object)}")
        if removed:
            parts.append(f"drops enum label{'s' if len(removed) > 1 else ''} {', '.join(removed)} "
                         f"from {short(change.object)}")
        if not added and not removed:
            parts.append(f"reorders the labels of enum {short(change.object)}")
    return parts
