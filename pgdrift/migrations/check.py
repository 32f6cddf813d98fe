"""`pgdrift check` and `pgdrift compare` as pure functions: snapshots and a ledger in, a Report out.

Against a ledger, a live database is placed in the revision graph (from `alembic_version`), and
its schema is compared with the expected schema **at its own revision**: what differs there is
out-of-band drift. What lies between its revision and the head is pending migrations, listed in
graph order with the changes each will make and the hazards of applying it to this database.
Every finding names the migration that last shaped the object (None for hand-made objects).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pgdrift.compare import analyze as drift
from pgdrift.compare.findings import Change, Hazard, MigrationStatus, PendingMigration, Report
from pgdrift.compare.grading import missing_reason
from pgdrift.compare.type_rules import narrows
from pgdrift.errors import PermissionDenied, UnknownRevision
from pgdrift.migrations import statements
from pgdrift.migrations.ledger import Ledger, Revision, days_between
from pgdrift.schema import model
from pgdrift.schema.identity import quote_ident
from pgdrift.schema.kinds import BY_NAME, relation_kinds
from pgdrift.schema.model import Snapshot
from pgdrift.vocabulary import Cause, ChangeType, HazardKind, MigrationState, Severity, VersionTableStatus

OUT_OF_BAND = Cause.OUT_OF_BAND
PENDING = Cause.PENDING_MIGRATION


@dataclass(frozen=True)
class Position:
    """Where a database stands in the ledger's graph, as far as `alembic_version` tells."""

    state: MigrationState
    revisions: tuple[str, ...]  # what alembic_version holds
    known: bool  # the revisions are all in the ledger, so the expected schema is known
    detail: str | None = None


def locate(snapshot: Snapshot, ledger: Ledger) -> Position:
    """Read the database's position from the `alembic_version` state its snapshot recorded."""
    state = snapshot.meta.alembic
    heads = ", ".join(ledger.heads)
    if state.status == VersionTableStatus.ABSENT:
        return Position(
            MigrationState.NO_VERSION_TABLE,
            (),
            False,
            f"the database has no alembic_version table, so its revision is unknown; it is compared "
            f"with head ({heads}). {_closest_hint(snapshot, ledger)}",
        )
    if state.status == VersionTableStatus.UNREADABLE:
        return Position(
            MigrationState.UNREADABLE,
            (),
            False,
            f"{state.table or 'alembic_version'} could not be read ({state.detail}); it is compared "
            f"with head ({heads}). Grant SELECT on it to the monitoring role (`pgdrift grant-sql`)",
        )
    revisions = state.revisions
    unknown = [rev for rev in revisions if rev not in ledger.by_id]
    if unknown:
        return Position(
            MigrationState.AHEAD_OR_UNKNOWN,
            revisions,
            False,
            f"alembic_version holds {', '.join(unknown)}, which the repository's graph does not "
            f"contain: the database is ahead of this ledger or was deployed from another branch. It "
            f"is compared with head ({heads}); rebuild the ledger from the deployed branch. "
            f"{_closest_hint(snapshot, ledger)}",
        )
    if not revisions:
        return Position(MigrationState.BEHIND, (), True, "alembic_version is empty: no migration is applied")
    if ledger.ancestors(revisions) == ledger.ancestors(None):
        return Position(MigrationState.AT_HEAD, revisions, True)
    if len(revisions) > 1:
        return Position(
            MigrationState.BRANCHED,
            revisions,
            True,
            f"alembic_version holds {len(revisions)} rows ({', '.join(revisions)}): the database "
            "is on several branches at once",
        )
    return Position(MigrationState.BEHIND, revisions, True)


def _closest_hint(snapshot: Snapshot, ledger: Ledger) -> str:
    revision, differences = ledger.closest_revision(snapshot)
    if revision is None:
        return "Its schema is closest to the empty database: no migration seems applied"
    if differences == 0:
        return f"Its schema matches revision {revision} exactly: `alembic stamp {revision}` records that"
    return f"Its schema is closest to revision {revision} ({differences} object(s) differ)"


# ---------------------------------------------------------------------------------------------
# Attribution


def _identities(change: Change) -> list[tuple[str, str]]:
    """What a finding is about, for attribution: its object, a rename's old name first, and the
    partitions folded into it (the migrations that made them)."""
    identities = [(change.kind, change.object)]
    if change.change == ChangeType.RENAMED and isinstance(change.expected, str):
        identities.insert(0, (change.kind, change.expected))
    if change.attribute == "partitions":  # folded partitions: the migrations that made them
        identities[:0] = [("table", key) for key in change.detail.get("unexpected_partitions", ())]
    return identities


def _finding_key(change: Change) -> tuple[str, str, str | None]:
    return change.kind, change.object, change.attribute


def as_found(planned: Iterable[Change], found: Iterable[Change], live: Snapshot) -> list[Change]:
    """What pending migrations will change (`planned`: head against the expected schema at the live
    revision), described by the live database's actual state against head (`found`).

    A planned change the live database does not show (the object is already as head wants it, or
    is already gone) is no pending finding: the out-of-band finding on it says what happened, and
    two findings would contradict each other ("missing" and "still here", issue 15). Partitions
    a pending migration drops keep to the ones it drops. An object a pending migration creates
    that the live database lacks stays missing even when the live comparison guessed a rename
    onto a hand-made object (the out-of-band finding says that object is unexpected).
    """
    by_key = {_finding_key(change): change for change in found}
    result = []
    for change in planned:
        actual = by_key.get(_finding_key(change))
        if actual is not None and actual.change != change.change:
            actual = None
        if actual is None and change.change == ChangeType.MISSING and change.object not in live.of_kind(change.kind):
            actual = change
        if actual is None:
            continue
        if change.attribute == "partitions":
            dropped = set(change.detail.get("unexpected_partitions", ()))
            still = [key for key in actual.detail.get("unexpected_partitions", ()) if key in dropped]
            if not still:
                continue
            actual = dataclasses.replace(change, detail={**change.detail, "unexpected_partitions": still})
        result.append(actual)
    return result


def _pending_reason(change: Change) -> str:
    """The default reason of an unexpected object ("no migration created it") is wrong when a
    pending migration drops it; say that instead, naming the object like every other reason."""
    label = BY_NAME[change.kind].label if change.kind in BY_NAME else change.kind
    if change.attribute == "partitions":
        extra = ", ".join(change.detail.get("unexpected_partitions", ()))
        return f"{label} {change.object} still has partitions a pending migration drops ({extra})"
    return f"{label} {change.object} is still here: a pending migration drops it"


def _pending_rename_reason(change: Change) -> str:
    """A rename seen from head reads backwards for a pending migration: head's name is the new
    one, the live name the old (issue 15)."""
    label = BY_NAME[change.kind].label if change.kind in BY_NAME else change.kind
    confidence = f"confidence {change.confidence:.2f}" if change.confidence is not None else "a candidate"
    return (f"{label} {change.actual} is still under its old name: a pending migration renames it to "
            f"{change.expected} ({confidence}); code that uses the new name fails until it is applied")


def _pending_missing_reason(change: Change, migration: str | None) -> str:
    """An object a pending migration creates was never there on this side: "not there yet", not
    "no longer" (issue 15). The config's notes after the default reason are kept."""
    default = missing_reason(change)
    if not change.reason.startswith(default):
        return change.reason
    created_by = f"the pending migration {migration}" if migration else "a pending migration"
    return missing_reason(change, created_by) + change.reason[len(default):]


def _attribute(
    changes: Iterable[Change],
    ledger: Ledger,
    among: set[str],
    cause: Cause | None,
    detail: Mapping[str, Any] | None = None,
) -> list[Change]:
    attributed = []
    for change in changes:
        extra = {**change.detail, **(detail or {})}
        reason = change.reason
        migration = ledger.last_touch(_identities(change), among)
        if cause == PENDING and (change.change == ChangeType.UNEXPECTED or change.attribute == "partitions"):
            reason = _pending_reason(change)
        elif cause == PENDING and change.change == ChangeType.RENAMED:
            reason = _pending_rename_reason(change)
        elif cause == PENDING and change.change == ChangeType.MISSING:
            reason = _pending_missing_reason(change, migration)
        attributed.append(
            dataclasses.replace(change, cause=cause, migration=migration, detail=extra, reason=reason)
        )
    return attributed


# ---------------------------------------------------------------------------------------------
# Hazards of pending migrations


def _rows(live: Snapshot, table_key: str) -> int:
    table = live.of_kind("table").get(table_key)
    return -1 if table is None else int(table.row_estimate)


def _rows_text(rows: int) -> str:
    """What a table holds, to follow "holds": pg_class.reltuples is -1 until the first ANALYZE."""
    if rows < 0:
        return "an unknown number of rows (the table was never analyzed)"
    return f"about {rows:,} rows by the live estimate"


def _table_renames(changes: Mapping[str, Mapping[str, tuple[Any, Any]]]) -> dict[str, str]:
    """Tables one revision dropped and created with the same columns (or a subset): {old: new}."""
    tables = changes.get("table", {})
    dropped = [key for key, (before, after) in tables.items() if before and not after]
    created = [key for key, (before, after) in tables.items() if after and not before]
    renames: dict[str, str] = {}
    for old in dropped:
        old_shape = _table_shape(changes, old, 0)
        for new in created:
            new_shape = _table_shape(changes, new, 1)
            if new not in renames.values() and new_shape and new_shape <= old_shape:
                renames[old] = new
                break
    return renames


def _table_shape(
    changes: Mapping[str, Mapping[str, tuple[Any, Any]]], table_key: str, side: int
) -> frozenset[tuple[str, str]]:
    """(name, type) of the columns a revision removed (side 0) or added (side 1) on one table."""
    return frozenset(
        (pair[side]["name"], pair[side]["type"])
        for pair in changes.get("column", {}).values()
        if pair[side] and BY_NAME["column"].table(_column(pair[side])) == table_key
    )


def _column(value: Mapping[str, Any]) -> Any:
    return BY_NAME["column"].model(**{name: value[name] for name in ("schema", "table", "name", "type")})


def _relation_exists(snapshot: Snapshot, key: str) -> str | None:
    for kind in relation_kinds():  # an index may collide with a table
        if key in snapshot.of_kind(kind):
            return kind
    return None


def _conflicts(revision: Revision, expected_live: Snapshot, live: Snapshot) -> list[Hazard]:
    """Out-of-band changes in the way of one pending migration."""
    hazards = []
    for kind_name, entries in revision.changes.items():
        label = BY_NAME[kind_name].label
        for key, (before, after) in entries.items():
            message = _conflict_message(kind_name, label, key, before, after, expected_live, live)
            if message and not _guarded(revision, kind_name, key, before, after):
                hazards.append(Hazard(revision=revision.id, type=HazardKind.CONFLICT, object=key, message=message))
    return hazards


def _guarded(revision: Revision, kind_name: str, key: str, before: Any, after: Any) -> bool:
    """The migration's own SQL makes the clash harmless: it creates the object IF NOT EXISTS (a
    hand-made one is kept) or drops it IF EXISTS (one already gone is no error). Statements
    unknown (a ledger from before issue 15): not guarded, the hazard stands."""
    table = _owning_table(kind_name, after if before is None else before)
    if before is None and after is not None:
        return statements.creates_if_not_exists(revision.statements, kind_name, key, table)
    if before is not None and after is None:
        return statements.drops_if_exists(revision.statements, kind_name, key, table)
    return False


def _owning_table(kind_name: str, value: Any) -> str | None:
    kind = BY_NAME[kind_name]
    table = kind.table(model.from_json_value(kind.model, value))
    return None if table is None else str(table)


def _conflict_message(
    kind_name: str, label: str, key: str, before: Any, after: Any, expected_live: Snapshot, live: Snapshot
) -> str | None:
    expected_object = expected_live.of_kind(kind_name).get(key)
    live_object = live.of_kind(kind_name).get(key)
    if before is None and after is not None:
        clash = live_object is not None and expected_object is None
        clash_kind = (
            kind_name
            if clash
            else (
                _relation_exists(live, key)
                if kind_name in relation_kinds() and not _relation_exists(expected_live, key)
                else None
            )
        )
        if clash_kind:
            return (
                f"creates {label} {key}, but the database already has {_article(BY_NAME[clash_kind].label)} of that "
                f'name, made out of band: the migration will fail with "already exists"'
            )
        return None
    if before is not None and after is None:
        if expected_object is not None and live_object is None:
            return (
                f"drops {label} {key}, which the database has already lost out of band: the migration "
                f'will fail with "does not exist" unless it uses IF EXISTS'
            )
        return None
    if expected_object is None or expected_object == live_object:
        return None
    if live_object is None:
        return f"alters {label} {key}, which the database has lost out of band: the migration will fail"
    changed = sorted(name for name in after if before.get(name) != after.get(name))
    clashing = [
        name for name in changed if getattr(live_object, name, None) != getattr(expected_object, name, None)
    ]
    if not clashing:
        return None
    name = clashing[0]
    return (
        f"alters {label} {key} ({name}: {before.get(name)!r} -> {after.get(name)!r}), but the database's "
        f"{name} was already changed out of band to {getattr(live_object, name)!r}: check the migration "
        "against the live definition before applying it"
    )


def _article(label: str) -> str:
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def _destructive(revision: Revision, live: Snapshot) -> list[Hazard]:
    """Operations of one pending migration that lose data when applied."""
    renames = _table_renames(revision.changes)
    tables = revision.changes.get("table", {})
    gone = {key for key, (before, after) in tables.items() if before and not after}
    hazards = [hazard for old, new in renames.items() for hazard in _rename_hazards(revision, old, new, live)]
    for key in sorted(gone - set(renames)):
        if key not in live.of_kind("table"):  # nothing of it in the live database to lose
            continue
        rows = _rows(live, key)
        hazards.append(
            Hazard(
                revision.id,
                HazardKind.DESTRUCTIVE,
                key,
                severity=Severity.CRITICAL if rows != 0 else Severity.HIGH,
                message=f"drops table {key}, which holds {_rows_text(rows)}: its data is lost",
            )
        )
    for key, (before, after) in revision.changes.get("column", {}).items():
        table_key = str(BY_NAME["column"].table(_column(before or after)))
        live_column = live.of_kind("column").get(key)
        # Only what the live database holds can be lost: a column an earlier pending migration
        # creates, or one already dropped out of band, has no values there (issue 15).
        if before is not None and table_key not in gone and live_column is not None:
            hazards.extend(
                _column_hazards(revision.id, key, live_column.type, after, _rows_text(_rows(live, table_key)))
            )
    return hazards


def _rename_hazards(revision: Revision, old: str, new: str, live: Snapshot) -> list[Hazard]:
    if old not in live.of_kind("table"):
        return []
    rows = _rows(live, old)
    live_columns = {(column.name, column.type) for column in live.of_kind("column").values()
                    if BY_NAME["column"].table(column) == old}
    lost = sorted((_table_shape(revision.changes, old, 0) - _table_shape(revision.changes, new, 1)) & live_columns)
    hazards = [
        Hazard(
            revision.id,
            HazardKind.DESTRUCTIVE,
            f"{old}.{quote_ident(name)}",
            message=f"drops column {name} ({column_type}) of {old} while renaming it to {new}, "
            f"a table that holds {_rows_text(rows)}: its values are lost",
        )
        for name, column_type in lost
    ]
    if rows != 0:
        hazards.append(
            Hazard(
                revision.id,
                HazardKind.DESTRUCTIVE,
                old,
                severity=Severity.HIGH,
                message=f"renames table {old} to {new}, and it holds {_rows_text(rows)}: check the "
                "migration moves the rows (a drop-and-create loses them)",
            )
        )
    return hazards


def _column_hazards(revision_id: str, key: str, live_type: str, after: Any, rows_text: str) -> list[Hazard]:
    """Hazards of dropping or retyping a column the live database has, of type `live_type`."""
    if not after:
        return [
            Hazard(
                revision_id,
                HazardKind.DESTRUCTIVE,
                key,
                message=f"drops column {key} ({live_type}), whose table holds {rows_text}: its values are lost",
            )
        ]
    if narrows(live_type, after["type"]):
        return [
            Hazard(
                revision_id,
                HazardKind.DESTRUCTIVE,
                key,
                message=f"narrows column {key} from {live_type} to {after['type']}, whose table "
                f"holds {rows_text}: values that do not fit fail or are truncated",
            )
        ]
    return []


def pending_migrations(
    ledger: Ledger, pending: Iterable[Revision], expected_live: Snapshot | None, live: Snapshot,
    config: Any = None,
) -> tuple[PendingMigration, ...]:
    """Each pending revision with its changes and the hazards of applying it to `live`."""
    result = []
    for revision in pending:
        hazards = _destructive(revision, live)
        if expected_live is not None:
            hazards = _conflicts(revision, expected_live, live) + hazards
        changes = _revision_findings(ledger, revision, config)
        result.append(
            PendingMigration(
                revision=revision.id,
                date=revision.create_date,
                message=revision.message,
                changes=changes,
                hazards=tuple(hazards),
                down_revisions=revision.down_revisions,
            )
        )
    return tuple(result)


def _revision_findings(ledger: Ledger, revision: Revision, config: Any) -> tuple[Change, ...]:
    """A revision's changes graded like the report's own findings, so a pending change has a
    reason and the severity the report gives the same finding (issue 15)."""
    graded = _attribute(drift.grade_all(ledger.revision_changes(revision.id), config), ledger, {revision.id}, PENDING)
    return tuple(dataclasses.replace(change, migration=revision.id) for change in graded)


# ---------------------------------------------------------------------------------------------
# The reports


def check(
    live: Snapshot, expected: Ledger | Snapshot, config: Any = None, now: datetime | None = None
) -> Report:
    """The drift report of a live database against a ledger (with migration status) or a snapshot."""
    source = live.meta.source or live.meta.database
    if isinstance(expected, Snapshot):
        expected_source = expected.meta.source or "expected"
        return drift.make_report(
            expected,
            live,
            drift.analyze(expected, live, config),
            expected_source=expected_source,
            actual_source=source,
            expected_revisions=(),
            now=now,
        )
    ledger = expected
    position = locate(live, ledger)
    if position.state == MigrationState.AHEAD_OR_UNKNOWN:
        raise unknown_revision(live, ledger, source)
    if position.state == MigrationState.UNREADABLE:
        raise version_table_unreadable(live, source)
    head = ledger.expected_at(None)
    if position.known:
        changes, status = _against_live_revision(live, ledger, position, head, config)
    else:
        changes = _attribute(drift.analyze(head, live, config), ledger, ledger.ancestors(None), None)
        status = _status(ledger, position, (), None)
    return drift.make_report(
        head,
        live,
        changes,
        expected_source=f"{ledger.source} (head {', '.join(ledger.heads)})",
        actual_source=source,
        expected_revisions=ledger.heads,
        actual_revisions=position.revisions,
        migrations=status,
        now=now,
    )


def version_table_unreadable(live: Snapshot, source: str) -> PermissionDenied:
    """alembic_version exists but may not be read: without the revision every applied migration
    would look like drift, so this is a failure that names the grant, not a report (issue 12)."""
    state = live.meta.alembic
    table = state.table or "alembic_version"
    user = urlsplit(live.meta.source).username if "://" in live.meta.source else None
    role = quote_ident(user) if user else "<the monitoring role>"
    return PermissionDenied(
        f"checking {source}: the Alembic version table {table} cannot be read ({state.detail}), so the "
        "database's revision is unknown",
        f"Run GRANT SELECT ON TABLE {table} TO {role}; as the table's owner (`pgdrift grant-sql --role "
        f"{user or 'ROLE'} --database {live.meta.database} --alembic-table {table}` prints the role's full grants)",
    )


def unknown_revision(live: Snapshot, ledger: Ledger, source: str) -> UnknownRevision:
    """A revision the ledger does not know: compared with head, every migration since the two
    projects (or versions) parted would be reported as drift, dozens of findings that mean nothing."""
    unknown = [revision for revision in live.meta.alembic.revisions if revision not in ledger.by_id]
    closest, differences = ledger.closest_revision(live)
    if closest is None:
        resemblance = "its schema is closest to an empty database"
    elif differences == 0:
        resemblance = f"its schema matches the ledger's revision {closest} exactly"
    else:
        resemblance = f"its schema is closest to the ledger's revision {closest} ({differences} object(s) differ)"
    return UnknownRevision(
        f"checking {source} against the ledger {ledger.source}: the database's revision {', '.join(unknown)} "
        f"is unknown to this ledger, whose head is {', '.join(ledger.heads)} ({resemblance})",
        "Either the ledger is another project's (pass the one built from this database's migrations), or "
        "the database is ahead of the published ledger (rebuild it with `pgdrift expected build` from the "
        "deployed branch and publish it)",
    )


def _against_live_revision(
    live: Snapshot, ledger: Ledger, position: Position, head: Snapshot, config: Any
) -> tuple[list[Change], MigrationStatus]:
    """Out-of-band drift against the expected schema at the live revision, plus what is pending."""
    expected_live = ledger.expected_at(position.revisions)
    pending = ledger.pending(position.revisions)
    applied = ledger.ancestors(position.revisions)
    out_of_band = _attribute(drift.analyze(expected_live, live, config), ledger, applied, OUT_OF_BAND)
    planned = drift.analyze(head, expected_live, config)
    found = as_found(planned, drift.analyze(head, live, config), live)
    pending_ids = {r.id for r in pending}
    to_head = _attribute(found, ledger, pending_ids, PENDING)
    out_of_band = [_ahead_of_pending(change, planned, ledger, pending_ids) for change in out_of_band]
    status = _status(ledger, position, pending_migrations(ledger, pending, expected_live, live, config), len(pending))
    return out_of_band + to_head, status


def _ahead_of_pending(change: Change, planned: Iterable[Change], ledger: Ledger, pending: set[str]) -> Change:
    """An object made by hand that a pending migration also creates is one finding, which says so."""
    if change.change != ChangeType.UNEXPECTED:
        return change
    creates = any(p.change == ChangeType.MISSING and (p.kind, p.object) == (change.kind, change.object)
                  for p in planned)
    revision = ledger.last_touch([(change.kind, change.object)], pending) if creates else None
    if revision is None:
        return change
    label = BY_NAME[change.kind].label if change.kind in BY_NAME else change.kind
    reason = (f"{label} {change.object} was made out of band ahead of the pending migration {revision}, "
              "which creates it too")
    return dataclasses.replace(change, reason=reason)


def _status(
    ledger: Ledger, position: Position, pending: tuple[PendingMigration, ...], lag: int | None
) -> MigrationStatus:
    live_date = ledger.date_of(position.revisions) if position.known and position.revisions else None
    head_date = ledger.date_of(None)
    return MigrationStatus(
        live_revisions=position.revisions,
        head_revisions=ledger.heads,
        state=position.state,
        detail=position.detail,
        live_date=live_date,
        head_date=head_date,
        lag_revisions=lag,
        lag_days=None if lag is None else (days_between(live_date, head_date) if lag else 0.0),
        pending=pending,
    )


def compare(
    a: Snapshot,
    b: Snapshot,
    ledger: Ledger,
    config: Any = None,
    now: datetime | None = None,
    labels: tuple[str, str] = ("A", "B"),
) -> Report:
    """Environment A against environment B, every difference explained through the ledger.

    The report reads "A compared with B": B is the expected side. Differences the ledger explains
    (revisions one side has and the other lacks) are `pending_migration`; the rest is
    `out_of_band`, with `detail["side"]` naming the environment that has it.
    """
    source_a, source_b = a.meta.source or labels[0], b.meta.source or labels[1]
    position_a, position_b = locate(a, ledger), locate(b, ledger)
    if position_a.known and position_b.known:
        changes, status = _explain(a, b, ledger, (position_a, position_b), labels, config)
    else:
        changes = drift.analyze(b, a, config)
        detail = "; ".join(
            f"{label}: {position.detail}"
            for label, position in zip(labels, (position_a, position_b), strict=True)
            if not position.known
        )
        status = MigrationStatus(
            live_revisions=position_a.revisions,
            head_revisions=position_b.revisions,
            state=MigrationState.AHEAD_OR_UNKNOWN,
            detail=detail,
        )
    return drift.make_report(
        b,
        a,
        changes,
        expected_source=source_b,
        actual_source=source_a,
        expected_revisions=position_b.revisions,
        actual_revisions=position_a.revisions,
        migrations=status,
        title=f"Environment comparison: {labels[0]} against {labels[1]}",
        now=now,
    )


@dataclass(frozen=True)
class _Environment:
    label: str
    snapshot: Snapshot
    position: Position
    expected: Snapshot  # the expected schema at its revision
    applied: frozenset[str]


def _environment(label: str, snapshot: Snapshot, position: Position, ledger: Ledger) -> _Environment:
    return _Environment(
        label,
        snapshot,
        position,
        ledger.expected_at(position.revisions),
        frozenset(ledger.ancestors(position.revisions)),
    )


def _direction(a: _Environment, b: _Environment) -> tuple[MigrationState, _Environment, _Environment, str]:
    """(state, the side that is behind, the side that is ahead, detail) of A relative to B."""
    if a.applied == b.applied:
        return MigrationState.AT_HEAD, a, b, f"{a.label} and {b.label} are at the same revision"
    if a.applied < b.applied:
        return MigrationState.BEHIND, a, b, f"{a.label} is {len(b.applied - a.applied)} revision(s) behind {b.label}"
    if b.applied < a.applied:
        return (
            MigrationState.AHEAD_OR_UNKNOWN,
            b,
            a,
            f"{a.label} is {len(a.applied - b.applied)} revision(s) ahead of "
            f"{b.label}; the pending migrations are {b.label}'s",
        )
    return (
        MigrationState.BRANCHED,
        a,
        b,
        f"{a.label} and {b.label} are on different branches; the pending migrations are "
        f"those {b.label} has and {a.label} lacks",
    )


def _explain(
    a_snapshot: Snapshot,
    b_snapshot: Snapshot,
    ledger: Ledger,
    positions: tuple[Position, Position],
    labels: tuple[str, str],
    config: Any,
) -> tuple[list[Change], MigrationStatus]:
    a = _environment(labels[0], a_snapshot, positions[0], ledger)
    b = _environment(labels[1], b_snapshot, positions[1], ledger)
    planned = drift.analyze(b.expected, a.expected, config)
    found = as_found(planned, drift.analyze(b.snapshot, a.snapshot, config), a.snapshot)
    explained = _attribute(found, ledger, set(a.applied ^ b.applied), PENDING)
    out_of_band_a = _attribute(
        drift.analyze(a.expected, a.snapshot, config), ledger, set(a.applied), OUT_OF_BAND, {"side": a.label}
    )
    out_of_band_a = [
        _ahead_of_pending(change, planned, ledger, set(a.applied ^ b.applied)) for change in out_of_band_a
    ]
    # B's own drift, oriented like the report (B is the expected side): B's extra object is "missing".
    out_of_band_b = _attribute(
        drift.analyze(b.snapshot, b.expected, config), ledger, set(b.applied), OUT_OF_BAND, {"side": b.label}
    )
    state, behind, ahead, detail = _direction(a, b)
    pending = ledger.pending(behind.position.revisions, ahead.position.revisions)
    behind_date = ledger.date_of(behind.position.revisions) if behind.position.revisions else None
    ahead_date = ledger.date_of(ahead.position.revisions) if ahead.position.revisions else None
    status = MigrationStatus(
        live_revisions=a.position.revisions,
        head_revisions=b.position.revisions,
        state=state,
        detail=detail,
        live_date=ledger.date_of(a.position.revisions) if a.position.revisions else None,
        head_date=ledger.date_of(b.position.revisions) if b.position.revisions else None,
        lag_revisions=len(pending),
        lag_days=days_between(behind_date, ahead_date) if pending else 0.0,
        pending=pending_migrations(ledger, pending, behind.expected, behind.snapshot, config),
    )
    return out_of_band_a + explained + out_of_band_b, status
