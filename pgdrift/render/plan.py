"""What to do before and while catching a database up, derived from a `Situation` (issue 15):
the pre-migration checklist, the ordered `alembic upgrade` steps and the data-integrity notes.
Only what the findings and hazards show; nothing is guessed. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgdrift.compare.findings import Change, Hazard
from pgdrift.compare.situation import PendingStep, Situation, short
from pgdrift.render.summary import label
from pgdrift.vocabulary import ChangeType, HazardKind


@dataclass(frozen=True)
class UpgradeStep:
    revision: str
    comment: str  # the message, what it does and, for a merge, the branches it joins


def upgrade_steps(found: Situation) -> tuple[UpgradeStep, ...]:
    """One `alembic upgrade <rev>` per pending migration, in graph order (every parent first)."""
    return tuple(UpgradeStep(step.revision, _comment(step)) for step in found.pending)


def _comment(step: PendingStep) -> str:
    merge = f"merges {', '.join(step.down_revisions)}; " if len(step.down_revisions) > 1 else ""
    return f"{merge}{step.message}: {step.effects}"


def merges(found: Situation) -> tuple[PendingStep, ...]:
    return tuple(step for step in found.pending if len(step.down_revisions) > 1)


def rows(change: Change) -> int | None:
    """The live row estimate of an unexpected table, when the catalog had one."""
    estimate = change.detail.get("row_estimate")
    return estimate if isinstance(estimate, int) else None


def rows_text(change: Change) -> str:
    estimate = rows(change)
    return "row count unknown" if estimate is None else f"about {estimate} rows"


def checklist(found: Situation) -> list[str]:
    """Back up, resolve each hazard, then reconcile the out-of-band findings no hazard names."""
    items = [f"Back up {found.name} (a snapshot or `pg_dump`) and test the upgrade on a copy of it."]
    items += [_hazard_item(hazard, found) for hazard in found.hazards]
    in_the_way = {hazard.object for hazard in found.hazards if hazard.type == HazardKind.CONFLICT}
    items += [_reconcile_item(change) for change in found.out_of_band if change.object not in in_the_way]
    return items


def _hazard_item(hazard: Hazard, found: Situation) -> str:
    if hazard.type == HazardKind.CONFLICT:
        made = next((c for c in found.out_of_band if c.object == hazard.object), None)
        what = f"hand-made {label(made.kind)}" if made is not None else "out-of-band object"
        return (f"Drop or rename the {what} `{short(hazard.object)}` before `{hazard.revision}`, which "
                f"creates it: otherwise the upgrade stops there.")
    return (f"Before `{hazard.revision}`: it {_verb_first(hazard.message)}. Copy out or fix what must be "
            f"kept, or accept the loss.")


def _verb_first(message: str) -> str:
    return message[:1].lower() + message[1:]


def _reconcile_item(change: Change) -> str:
    name = f"{label(change.kind)} `{short(change.object)}`"
    if change.change == ChangeType.MISSING:
        made_by = f" (`{change.migration}` made it; the upgrade will not make it again)" if change.migration else ""
        return f"Restore {name}, dropped out of band{made_by}."
    if change.change == ChangeType.UNEXPECTED:
        held = f", {rows_text(change)}," if change.kind == "table" else ""
        return f"Decide on {name}{held} made out of band: add it to a migration, or archive and drop it."
    return f"Reconcile {name}: {change.reason}."


def data_moves(found: Situation, renames: tuple[Change, ...]) -> list[tuple[str, str, str]]:
    """(from, to, what to do) for data that must move: rename candidates (never applied by
    pgdrift) and the data a destructive hazard loses."""
    moves = [(short(str(change.actual)), short(str(change.expected)),
              f"rename candidate ({change.confidence or 0:.2f}): if real, a migration must rename it or "
              f"copy its data") for change in renames]
    moves += [(short(hazard.object), "—", f"`{hazard.revision}` {_verb_first(hazard.message)}")
              for hazard in found.hazards if hazard.type == HazardKind.DESTRUCTIVE]
    return moves


def new_tables(found: Situation) -> list[tuple[str, str]]:
    """(table, migration) for each table a pending migration creates: each starts empty."""
    return [(short(change.object), step.revision) for step in found.pending for change in step.findings
            if change.kind == "table" and change.change == ChangeType.MISSING]
