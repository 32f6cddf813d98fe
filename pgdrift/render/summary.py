"""Exact figures and groupings every renderer shares, computed once from a `Report`."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from pgdrift.compare.findings import SEVERITIES, Change, Hazard, Report, Side
from pgdrift.compare.situation import PendingStep, Situation, plural
from pgdrift.schema.kinds import BY_NAME
from pgdrift.vocabulary import ChangeType

SEVERITY_TITLES = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}


@dataclass(frozen=True)
class Facts:
    active: int
    waived: int
    expired_waivers: int
    by_severity: dict[str, int]  # active findings only
    by_change: dict[str, int]  # every finding, waived included
    by_kind: dict[str, int]
    tables_missing: tuple[Change, ...]
    tables_unexpected: tuple[Change, ...]
    renames: tuple[Change, ...]
    columns_by_table: dict[str, tuple[Change, ...]]  # column findings grouped by table
    others: tuple[Change, ...]  # everything else, in report order


def table_count(side: Side) -> int | None:
    counts = dict(side.object_counts)
    return counts.get("table") if counts else None


def label(kind: str) -> str:
    known = BY_NAME.get(kind)
    return known.label if known else kind


def facts(report: Report) -> Facts:
    changes = report.changes
    columns: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        if change.kind == "column" and change.change != ChangeType.RENAMED:
            columns[change.table or "?"].append(change)
    return Facts(
        active=len(report.active_changes),
        waived=sum(1 for change in changes if change.waiver is not None and not change.waiver.expired),
        expired_waivers=sum(1 for change in changes if change.waiver is not None and change.waiver.expired),
        by_severity=report.counts_by_severity(),
        by_change=dict(sorted(Counter(change.change for change in changes).items())),
        by_kind=dict(sorted(Counter(change.kind for change in changes).items())),
        tables_missing=_select(changes, "table", "missing"),
        tables_unexpected=_select(changes, "table", "unexpected"),
        renames=tuple(change for change in changes if change.change == ChangeType.RENAMED),
        columns_by_table={table: tuple(found) for table, found in sorted(columns.items())},
        others=tuple(change for change in changes
                     if change.kind not in ("table", "column") or
                     (change.kind == "table" and change.change == ChangeType.ALTERED)),
    )


def _select(changes: tuple[Change, ...], kind: str, change_type: str) -> tuple[Change, ...]:
    return tuple(change for change in changes if change.kind == kind and change.change == change_type)


def by_severity(changes: tuple[Change, ...]) -> dict[str, list[Change]]:
    """Findings grouped by severity, most severe first; waived findings last within each group."""
    groups: dict[str, list[Change]] = {severity: [] for severity in SEVERITIES}
    for change in changes:
        groups.setdefault(change.severity, []).append(change)
    for found in groups.values():
        found.sort(key=lambda change: not change.active)
    return groups


def waiver_note(change: Change) -> str:
    if change.waiver is None:
        return ""
    if change.waiver.expired:
        return f"waiver expired {change.waiver.expires} ({change.waiver.owner})"
    return f"waived until {change.waiver.expires} by {change.waiver.owner}: {change.waiver.reason}"


def status_line(report: Report) -> str:
    if report.status == "clean":
        return "no drift"
    worst = report.highest_severity
    return f"drift ({worst} findings)" if worst else "drift (migrations pending)"


# ---------------------------------------------------------------------------------------------
# The three answers (issue 15), worded once for every renderer


def out_of_band_title(found: Situation) -> str:
    return "Out of band: changed outside any migration" if found.attributed else "Differences"


def out_of_band_note(change: Change) -> str:
    """Which migration last shaped the object an out-of-band finding is about."""
    # without one, the finding's reason already says no migration made the object
    return f"last shaped by migration {change.migration}" if change.migration else ""


def pending_line(step: PendingStep) -> str:
    """One pending migration in a line: revision, date, message and what it does."""
    date = f" ({step.date[:10]})" if step.date else ""
    hazards = f" [{plural(len(step.hazards), 'hazard')}]" if step.hazards else ""
    return f"{step.revision}{date} {step.message}: {step.effects}{hazards}"


def hazard_line(hazard: Hazard) -> str:
    return f"{hazard.revision} ({hazard.type}): {hazard.message}"
