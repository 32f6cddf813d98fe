"""The migration ledger: the expected schema at every Alembic revision, in one compact artifact.

`pgdrift expected build` replays a repository's migrations one revision at a time and records,
per revision, the objects it changed (`before`/`after` JSON values, `None` for absent). The
artifact holds the revision graph, those deltas (in the topological order of the replay) and one
full snapshot: the head's. Since format 2 each revision also holds the SQL statements its
`upgrade()` sent, as recorded during the replay (issue 15); a format 1 ledger is still read, its
statements unknown (None). Any revision's expected schema is the head snapshot with the deltas
of every revision that is *not* its ancestor unapplied, newest first. That assumes what Alembic
itself assumes of branches: revisions on different branches commute.

This module is pure: bytes in, `Snapshot`s out. No I/O, no driver.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pgdrift.compare.diff import diff_objects, fold_table_children, sort_changes
from pgdrift.compare.findings import Change
from pgdrift.errors import ArtifactError, SnapshotFormatError
from pgdrift.schema import kinds as registry
from pgdrift.schema import model, snapshot_io
from pgdrift.schema.kinds import BY_NAME
from pgdrift.vocabulary import VersionTableStatus

LEDGER_FORMAT = "pgdrift-ledger"
LEDGER_FORMAT_VERSION = 2
#: Format 1 (before issue 15) lacks the statements: a monitor may meet one uploaded before an
#: upgrade, and reading it (statements unknown, hazards as before) is kinder than refusing it.
READABLE_FORMAT_VERSIONS = (1, 2)

_VERSION_TABLE = re.compile(r"\balembic_version\b")

#: kind -> key -> (before, after): the JSON values (volatile fields left out), None when absent.
Delta = dict[str, dict[str, tuple[Any, Any]]]
RevisionSet = str | Iterable[str] | None


@dataclass(frozen=True)
class Revision:
    """One node of the Alembic graph, with what applying it changed in the schema."""

    id: str
    down_revisions: tuple[str, ...]
    message: str
    create_date: str | None = None  # ISO 8601, from the "Create Date:" line of the docstring
    branch_labels: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    changes: Delta = field(default_factory=dict, compare=False)
    #: The SQL its upgrade() sent, in order (see replay_guard.StatementRecorder); None when unknown.
    statements: tuple[str, ...] | None = field(default=None, compare=False)


def compute_delta(before: model.Snapshot, after: model.Snapshot) -> Delta:
    """The objects that differ between two consecutive snapshots (volatile fields ignored)."""
    delta: Delta = {}
    for kind in registry.KINDS:
        old, new = before.of_kind(kind.name), after.of_kind(kind.name)
        entries = {}
        for key in sorted(old.keys() | new.keys()):
            if not model.equal_at(old, new, key):
                entries[key] = (_value(old.get(key)), _value(new.get(key)))
        if entries:
            delta[kind.name] = entries
    return delta


def _value(obj: Any) -> Any:
    return None if obj is None else model.to_json_value(obj, include_volatile=False)


def _objects_of(values: Mapping[str, Any], kind_name: str) -> dict[str, Any]:
    kind = BY_NAME[kind_name]
    return {
        key: model.from_json_value(kind.model, value) for key, value in values.items() if value is not None
    }


class Ledger:
    """The revision graph, per-revision deltas and the head snapshot, with graph queries."""

    def __init__(
        self,
        revisions: Sequence[Revision],
        heads: Sequence[str],
        head_snapshot: model.Snapshot,
        source: str = "",
        built_at: str | None = None,
    ) -> None:
        self.revisions = tuple(revisions)  # topological order: every revision after its parents
        self.heads = tuple(heads)
        self.head_snapshot = head_snapshot
        self.source = source
        self.built_at = built_at
        self.by_id = {revision.id: revision for revision in self.revisions}
        self.position = {revision.id: index for index, revision in enumerate(self.revisions)}
        self._touches: dict[tuple[str, str], list[int]] | None = None
        _check_graph(self)

    # -- the graph ------------------------------------------------------------------------------

    def resolve(self, revisions: RevisionSet) -> tuple[str, ...]:
        """None means the heads; a string is one revision; unknown ids are an ArtifactError."""
        if revisions is None:
            return self.heads
        ids = (revisions,) if isinstance(revisions, str) else tuple(revisions)
        unknown = [rev for rev in ids if rev not in self.by_id]
        if unknown:
            raise ArtifactError(
                f"looking up revision(s) {', '.join(unknown)} in the ledger of {self.source}: "
                "not in the repository",
                "Rebuild the ledger from the branch that was deployed",
            )
        return ids

    def ancestors(self, revisions: RevisionSet) -> set[str]:
        """The revisions applied when the database is at `revisions` (themselves included)."""
        seen: set[str] = set()
        stack = list(self.resolve(revisions))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            revision = self.by_id[current]
            stack.extend(revision.down_revisions)
            stack.extend(rev for rev in revision.depends_on if rev in self.by_id)
        return seen

    def pending(self, live: RevisionSet, target: RevisionSet = None) -> list[Revision]:
        """The revisions `alembic upgrade` would apply from `live` to `target`, in graph order."""
        missing = self.ancestors(target) - self.ancestors(live)
        return [revision for revision in self.revisions if revision.id in missing]

    def date_of(self, revisions: RevisionSet) -> str | None:
        """The latest create date among `revisions` (None when none is dated)."""
        dates = [self.by_id[rev].create_date for rev in self.resolve(revisions)]
        known = [date for date in dates if date]
        return max(known) if known else None

    # -- the schema at a revision -----------------------------------------------------------------

    def expected_at(self, revisions: RevisionSet = None) -> model.Snapshot:
        """The expected schema once exactly the ancestors of `revisions` are applied."""
        applied = self.ancestors(revisions)
        state = {kind: dict(objects) for kind, objects in self.head_snapshot.objects.items()}
        for revision in reversed(self.revisions):
            if revision.id in applied:
                continue
            for kind_name, entries in revision.changes.items():
                objects = state.setdefault(kind_name, {})
                befores = _objects_of({key: before for key, (before, _) in entries.items()}, kind_name)
                for key in entries:
                    if key in befores:
                        objects[key] = befores[key]
                    else:
                        objects.pop(key, None)
        label = ", ".join(self.resolve(revisions)) or "base"
        meta = model.SnapshotMeta(
            captured_at=self.built_at or self.head_snapshot.meta.captured_at,
            server_version=self.head_snapshot.meta.server_version,
            server_version_num=self.head_snapshot.meta.server_version_num,
            database=self.head_snapshot.meta.database,
            alembic=model.AlembicState(status=VersionTableStatus.PRESENT, revisions=self.resolve(revisions)),
            source=f"{self.source}@{label}",
            schemas=self.head_snapshot.meta.schemas,
        )
        snapshot = model.Snapshot(meta=meta, objects=state)
        if len(applied) == len(self.revisions):
            # The head's objects, unchanged: reuse the fingerprint computed (and verified) at load.
            object.__setattr__(snapshot, "_fingerprint", self.head_snapshot.fingerprint)
        return snapshot

    def closest_revision(self, live: model.Snapshot) -> tuple[str | None, int]:
        """The revision whose expected schema differs from `live` in the fewest objects, and how
        many: a hint for databases whose `alembic_version` is missing or unknown.

        Candidates are the states the replay went through (every revision of a linear history).
        The version table itself is left out, since the question is usually why it is missing.
        One pass: the difference count is updated per object a revision touches.
        """
        state = {kind: dict(objects) for kind, objects in self.expected_at(()).objects.items()}

        def differs(kind_name: str, key: str) -> bool:
            return state.get(kind_name, {}).get(key) != live.of_kind(kind_name).get(key)

        count = sum(
            differs(kind.name, key)
            for kind in registry.KINDS
            for key in state.get(kind.name, {}).keys() | live.of_kind(kind.name).keys()
            if not _VERSION_TABLE.search(key)
        )
        best: tuple[str | None, int] = (None, count)
        for revision in self.revisions:
            for kind_name, entries in revision.changes.items():
                afters = _objects_of({key: after for key, (_, after) in entries.items()}, kind_name)
                objects = state.setdefault(kind_name, {})
                for key in entries:
                    if _VERSION_TABLE.search(key):
                        continue
                    was = differs(kind_name, key)
                    if key in afters:
                        objects[key] = afters[key]
                    else:
                        objects.pop(key, None)
                    count += differs(kind_name, key) - was
            if count <= best[1]:  # on a tie, the later revision (data-only migrations change nothing)
                best = (revision.id, count)
        return best

    def revision_changes(self, revision_id: str) -> list[Change]:
        """What applying one revision changes, as findings seen from the database before it.

        `expected` is the schema after the revision, `actual` the schema before it: a table the
        revision creates is "missing" until it is applied.
        """
        revision = self.by_id[revision_id]
        changes: list[Change] = []
        for kind in registry.KINDS:
            entries = revision.changes.get(kind.name)
            if not entries:
                continue
            before = _objects_of({key: pair[0] for key, pair in entries.items()}, kind.name)
            after = _objects_of({key: pair[1] for key, pair in entries.items()}, kind.name)
            changes.extend(diff_objects(kind, after, before))
        return sort_changes(fold_table_children(changes))

    # -- attribution ------------------------------------------------------------------------------

    def _touch_index(self) -> dict[tuple[str, str], list[int]]:
        if self._touches is None:
            touches: dict[tuple[str, str], list[int]] = {}
            for index, revision in enumerate(self.revisions):
                for kind_name, entries in revision.changes.items():
                    for key in entries:
                        touches.setdefault((kind_name, key), []).append(index)
            self._touches = touches
        return self._touches

    def last_touch(self, identities: Iterable[tuple[str, str]], among: Collection[str]) -> str | None:
        """The latest revision among `among` that shaped (created, altered or dropped) the first of
        `identities` (kind, key) any of them touched; None when none did (made by hand)."""
        for kind, key in identities:
            for index in reversed(self._touch_index().get((kind, key), [])):
                revision = self.revisions[index]
                if revision.id in among:
                    return revision.id
        return None


def _check_graph(ledger: Ledger) -> None:
    if len(ledger.by_id) != len(ledger.revisions):
        raise ArtifactError(f"reading the ledger {ledger.source}: a revision id appears twice")
    for revision in ledger.revisions:
        for parent in revision.down_revisions:
            if ledger.position.get(parent, len(ledger.revisions)) >= ledger.position[revision.id]:
                raise ArtifactError(
                    f"reading the ledger {ledger.source}: revision {revision.id} names "
                    f"down revision {parent}, which is unknown or not before it"
                )
    unknown = [head for head in ledger.heads if head not in ledger.by_id]
    if unknown or (ledger.revisions and not ledger.heads):
        raise ArtifactError(
            f"reading the ledger {ledger.source}: head(s) {unknown or 'none'} not in the graph"
        )


# ---------------------------------------------------------------------------------------------
# Serialisation


def _revision_document(revision: Revision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "down_revisions": list(revision.down_revisions),
        "message": revision.message,
        "create_date": revision.create_date,
        "branch_labels": list(revision.branch_labels),
        "depends_on": list(revision.depends_on),
        "changes": {
            kind: {key: list(pair) for key, pair in entries.items()}
            for kind, entries in revision.changes.items()
        },
        "statements": None if revision.statements is None else list(revision.statements),
    }


def to_document(ledger: Ledger) -> dict[str, Any]:
    return {
        "format": LEDGER_FORMAT,
        "format_version": LEDGER_FORMAT_VERSION,
        "source": ledger.source,
        "built_at": ledger.built_at,
        "heads": list(ledger.heads),
        "revisions": [_revision_document(revision) for revision in ledger.revisions],
        "head_snapshot": snapshot_io.to_document(ledger.head_snapshot),
    }


def dumps(ledger: Ledger, compress: bool = True) -> bytes:
    """The artifact's bytes: canonical JSON, gzip-compressed unless `compress` is False."""
    text = model.canonical_dumps(to_document(ledger)).encode("utf-8") + b"\n"
    return gzip.compress(text, mtime=0) if compress else text


def _revision_from(value: Any) -> Revision:
    changes: Delta = {}
    for kind_name, entries in value.get("changes", {}).items():
        if kind_name not in BY_NAME:
            raise ValueError(f"unknown object kind {kind_name!r}")
        changes[kind_name] = {key: (pair[0], pair[1]) for key, pair in entries.items()}
    return Revision(
        id=str(value["id"]),
        down_revisions=tuple(value["down_revisions"]),
        message=str(value.get("message") or ""),
        create_date=value.get("create_date"),
        branch_labels=tuple(value.get("branch_labels") or ()),
        depends_on=tuple(value.get("depends_on") or ()),
        changes=changes,
        statements=_statements_from(value.get("statements")),
    )


def _statements_from(value: Any) -> tuple[str, ...] | None:
    if value is None:  # a format 1 ledger, or a revision the replay did not record
        return None
    if not isinstance(value, list) or not all(isinstance(statement, str) for statement in value):
        raise ValueError("statements must be a list of strings")
    return tuple(value)


def load_ledger(data: bytes, source: str = "ledger") -> Ledger:
    """Parse an artifact; anything corrupt, foreign or of an unknown version is an ArtifactError."""
    try:
        document = snapshot_io.decode_bytes(data, source)
    except SnapshotFormatError as error:
        raise ArtifactError(str(error), "Rebuild it with `pgdrift expected build`") from None
    return ledger_from_document(document, source)


def ledger_from_document(document: Any, source: str = "ledger") -> Ledger:
    """A decoded artifact as a ledger (see `load_ledger`)."""
    if not isinstance(document, dict) or document.get("format") != LEDGER_FORMAT:
        raise ArtifactError(
            f'reading the ledger {source}: not a pgdrift ledger (no "format": "{LEDGER_FORMAT}")',
            "Pass the file written by `pgdrift expected build`",
        )
    version = document.get("format_version")
    if version not in READABLE_FORMAT_VERSIONS:
        raise ArtifactError(
            f"reading the ledger {source}: format_version {version!r} is not supported "
            f"(this pgdrift reads {' and '.join(map(str, READABLE_FORMAT_VERSIONS))})",
            "Rebuild it with this version of pgdrift",
        )
    try:
        revisions = [_revision_from(value) for value in document["revisions"]]
        heads = [str(head) for head in document["heads"]]
        head_snapshot = snapshot_io.from_document(document["head_snapshot"], f"{source} (head snapshot)")
    except SnapshotFormatError as error:
        raise ArtifactError(str(error), "Rebuild it with `pgdrift expected build`") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise ArtifactError(
            f"reading the ledger {source}: corrupt: {type(error).__name__}: {error}",
            "Rebuild it with `pgdrift expected build`",
        ) from None
    return Ledger(revisions, heads, head_snapshot, source=source, built_at=document.get("built_at"))


def is_ledger(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == LEDGER_FORMAT


def build_ledger(
    steps: Iterable[tuple[Revision, model.Snapshot]],
    base: model.Snapshot,
    heads: Sequence[str],
    source: str,
    built_at: str,
) -> Ledger:
    """A ledger from the replay: the snapshot before any migration, then one per revision (taken
    one at a time: only the latest snapshot is kept)."""
    revisions = []
    previous = base
    for revision, snapshot in steps:
        revisions.append(
            Revision(
                id=revision.id,
                down_revisions=revision.down_revisions,
                message=revision.message,
                create_date=revision.create_date,
                branch_labels=revision.branch_labels,
                depends_on=revision.depends_on,
                changes=compute_delta(previous, snapshot),
                statements=revision.statements,
            )
        )
        previous = snapshot
    return Ledger(revisions, heads, previous, source=source, built_at=built_at)


def days_between(earlier: str | None, later: str | None) -> float | None:
    """Days from one ISO date to another, rounded to hundredths; None when either is unknown."""
    if not earlier or not later:
        return None
    seconds = (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()
    return round(seconds / 86400, 2)


def load_expected(data: bytes, source: str,
                  remedy: str = "Pass a ledger or a snapshot written by pgdrift") -> Ledger | model.Snapshot:
    """An expected artifact: a ledger (from `pgdrift expected build`) or a plain snapshot. The one
    decoder of expected artifacts, for the CLI and the monitor alike; `remedy` is what a corrupt
    artifact's error tells the reader to do."""
    try:
        document = snapshot_io.decode_bytes(data, source)
    except SnapshotFormatError as error:
        raise ArtifactError(str(error), remedy) from None
    if is_ledger(document):
        return ledger_from_document(document, source)
    return snapshot_io.from_document(document, source)
