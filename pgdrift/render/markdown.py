"""The markdown report, in the structure of the hand-written report it replaces
(`schema-drift-report-2026-02-02.md`, issue 15): executive summary, migration status, the
out-of-band findings, missing tables and columns grouped by the migration that makes them,
tables on one side only, pending migrations, risk assessment (hazards first), data integrity,
the application plan, recommendations, summary statistics. Every figure is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pgdrift.render.plan as plan
from pgdrift.compare.findings import SEVERITY_RANK, Change, MigrationStatus, Report
from pgdrift.compare.situation import Situation, short, situation
from pgdrift.render.summary import (
    SEVERITY_TITLES,
    Facts,
    by_severity,
    facts,
    label,
    out_of_band_note,
    out_of_band_title,
    table_count,
    waiver_note,
)
from pgdrift.schema.kinds import counted, counted_kind
from pgdrift.vocabulary import ChangeType, MigrationState

PART = "Part #: "  # numbered in order once the sections present are known (see `_number_parts`)
_ICONS = {"critical": "🚨", "high": "⚠️", "medium": "🔸", "low": "🔹"}


def cell(value: Any) -> str:
    """A value made safe for one markdown table cell."""
    text = "—" if value is None or value == "" else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def code(value: Any) -> str:
    text = cell(value)
    return text if text == "—" else f"``{text}``" if "`" in text else f"`{text}`"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _status(report: Report) -> str:
    worst = report.highest_severity
    if report.status == "clean":
        return "✅ **NO DRIFT**"
    if worst == "critical":
        return "🚨 **CRITICAL DRIFT DETECTED**"
    return f"⚠️ **DRIFT DETECTED** (highest severity: {worst or 'migrations pending'})"


def _executive_summary(report: Report, summary: Facts) -> list[str]:
    columns = [c for found in summary.columns_by_table.values() for c in found]
    missing_columns = sum(1 for c in columns if c.change == ChangeType.MISSING)
    other_columns = len(columns) - missing_columns
    lines = ["## Executive Summary", "", "Compared with the expected schema, the actual database has:"]
    lines += [f"- **{counted(len(summary.tables_missing), 'table')}** expected but missing",
              f"- **{counted(len(summary.tables_unexpected), 'table')}** present but not expected",
              f"- **{counted(missing_columns, 'column')}** missing from existing tables",
              f"- **{counted(other_columns, 'other column difference')}** (unexpected or altered columns)",
              f"- **{counted(len(summary.renames), 'rename candidate')}**",
              f"- **{counted(len(summary.others), 'other finding')}** on indexes, constraints and other objects"]
    status = report.migrations
    if status is not None and status.lag_revisions is not None:
        lines.append(f"- **{counted(status.lag_revisions, 'migration')}** not applied")
    counts = ", ".join(f"{count} {severity}" for severity, count in summary.by_severity.items())
    lines += ["", f"**Active findings**: {summary.active} ({counts}); **waived**: {summary.waived}; "
                  f"**expired waivers**: {summary.expired_waivers}."]
    return lines


def _date(value: str | None) -> str:
    return cell(value[:16].replace("T", " ") if value else None)


def _migration_status(status: MigrationStatus) -> list[str]:
    lag = "—" if status.lag_revisions is None else counted(status.lag_revisions, "migration")
    days = "—" if status.lag_days is None else f"{status.lag_days:g} days"
    behind = status.state != MigrationState.AT_HEAD
    rows = [["**Live (actual)**", code(", ".join(status.live_revisions) or None), _date(status.live_date),
             f"⚠️ **{cell(status.state)}**" if behind else "✅ at head"],
            ["**Head (expected)**", code(", ".join(status.head_revisions) or None), _date(status.head_date),
             "✅ Current"],
            ["**Gap**", days, lag, f"**{cell(status.state)}**"]]
    lines = ["## Migration Status", "", *table(["Side", "Revision", "Date", "Status"], rows)]
    if status.detail:
        lines += ["", cell(status.detail)]
    return lines


def _answers(found: Situation) -> list[str]:
    """The first answer (issue 15): what changed outside any migration."""
    lines = [f"## {out_of_band_title(found)} ({len(found.out_of_band)})", ""]
    ordered = sorted(found.out_of_band, key=lambda change: SEVERITY_RANK[change.severity])
    lines += [f"- {_ICONS.get(c.severity, '')} **{c.severity}** {cell(c.reason)}"
              + (f" — _{cell(out_of_band_note(c))}_" if found.attributed and c.migration else "")
              for c in ordered] or ["None."]
    return lines


def _pending_section(found: Situation, part: str, status: MigrationStatus | None) -> list[str]:
    days = f", {found.lag_days:.1f} days" if found.lag_days else ""
    lines = [f"## {part}Pending Migrations ({len(found.pending)}{days})", ""]
    lines += table(["Migration", "Date", "Message", "What it does", "Hazards"],
                   [[code(step.revision), _date(step.date), cell(step.message), cell(step.effects),
                     str(len(step.hazards))] for step in found.pending]) if found.pending else ["None."]
    for step in plan.merges(found):
        lines += ["", f"`{step.revision}` merges {', '.join(code(parent) for parent in step.down_revisions)}."]
    return [*lines, *_pending_changes(status)] if status is not None else lines


def _pending_changes(status: MigrationStatus) -> list[str]:
    lines = ["", "### What each pending migration changes"] if any(p.changes for p in status.pending) else []
    for pending in status.pending:
        if pending.changes:
            lines += ["", f"#### `{pending.revision}`: {cell(pending.message)}", ""]
            # a report stored before issue 15 has pending changes without reasons
            lines += [f"- {cell(change.reason or f'{change.kind} {change.object}: {change.change}')}"
                      for change in pending.changes]
    return lines


def _attribution(change: Change) -> list[str]:
    return [cell(change.cause), code(change.migration)]


def _table_count(report: Report) -> list[str]:
    expected_tables, actual_tables = table_count(report.expected), table_count(report.actual)
    lines = ["## Table Count Summary", "", "```",
             f"Expected: {expected_tables if expected_tables is not None else 'unknown'} tables",
             f"Actual:   {actual_tables if actual_tables is not None else 'unknown'} tables"]
    if expected_tables is not None and actual_tables is not None:
        lines.append(f"Difference: {actual_tables - expected_tables:+d} tables")
    return [*lines, "```"]


def _missing_by_migration(report: Report) -> list[str]:
    """Missing tables and columns under the migration that makes them, its message as purpose
    (the seed's Part 1 and 2); without a ledger, under one heading."""
    missing = [c for c in report.changes if c.kind in ("table", "column") and c.change == ChangeType.MISSING]
    lines = [f"## {PART}Missing Tables and Columns ({len(missing)})", ""]
    if not missing:
        return [*lines, "None."]
    messages = {p.revision: p.message for p in report.migrations.pending} if report.migrations else {}
    groups: dict[str | None, list[Change]] = {}
    for change in missing:
        groups.setdefault(change.migration, []).append(change)
    order = {revision: index for index, revision in enumerate(messages)}  # pending in graph order
    # applied migrations' objects (dropped out of band) first, then the pending ones, then no migration
    for revision, changes in sorted(groups.items(), key=lambda item: (item[0] is None, order.get(item[0] or "", -1))):
        lines += _migration_group(revision, messages, changes)
    return lines


def _migration_group(revision: str | None, messages: dict[str, str], changes: list[Change]) -> list[str]:
    if revision is None:
        lines = ["### No migration makes these", ""]
    else:
        pending = "pending" if revision in messages else "applied; dropped out of band"
        lines = [f"### {code(revision)} ({pending})", ""]
        if revision in messages:
            lines += [f"**Purpose**: {cell(messages[revision])}", ""]
    lines += table(["Object", "Kind", "Type or contents", "Severity", "Waiver"],
                   [[code(short(c.object)), label(c.kind), cell(_children(c) or _value(c, c.expected)),
                     c.severity, cell(waiver_note(c))] for c in changes])
    return [*lines, ""]


def _one_sided(summary: Facts) -> list[str]:
    """Tables only the actual side has, with what dropping them would lose, and rename candidates."""
    lines = [f"## {PART}Tables Not Expected ({len(summary.tables_unexpected)})", ""]
    if summary.tables_unexpected:
        lines += table(["Table", "Rows (estimate)", "Objects", "Severity", "Waiver"],
                       [[code(c.object), cell(plan.rows(c)), cell(_children(c)), c.severity,
                         cell(waiver_note(c))] for c in summary.tables_unexpected])
    else:
        lines.append("None.")
    if summary.renames:
        lines += ["", "### Rename Candidates (never applied; verify)", ""]
        lines += table(["Kind", "Expected name", "Actual name", "Confidence", "Evidence"],
                       [[c.kind, code(c.expected), code(c.actual), f"{c.confidence:.2f}",
                         cell(c.detail.get("evidence"))] for c in summary.renames])
    return lines


def _children(change: Change) -> str:
    children = change.detail.get("children") or {}
    return ", ".join(counted_kind(count, kind) for kind, count in children.items())


def _column_section(report: Report, summary: Facts) -> list[str]:
    lines = [f"## {PART}Column-Level Drift", ""]
    if not summary.columns_by_table:
        return [*lines, "None."]
    attributed = report.migrations is not None
    for table_name, changes in summary.columns_by_table.items():
        lines += [f"### {code(table_name)}", ""]
        lines += table(["Column", "Change", "Attribute", "Expected", "Actual", "Severity",
                        *(["Cause", "Migration"] if attributed else [])],
                       [[code(c.object.removeprefix(table_name + ".")), c.change, cell(c.attribute),
                         _value(c, c.expected), _value(c, c.actual), c.severity,
                         *(_attribution(c) if attributed else [])] for c in changes])
        lines.append("")
    return lines


def _value(change: Change, value: Any) -> str:
    if isinstance(value, dict):  # a whole column: show its type
        return code(value.get("type"))
    return code(value)


def _other_section(summary: Facts) -> list[str]:
    lines = [f"## {PART}Other Objects", ""]
    if not summary.others:
        return [*lines, "None.", ""]
    lines += table(["Kind", "Object", "Change", "Attribute", "Severity", "Reason"],
                   [[label(c.kind), code(c.object), c.change, cell(c.attribute), c.severity, cell(c.reason)]
                    for c in summary.others])
    return [*lines, ""]


def _risk_section(report: Report, found: Situation) -> list[str]:
    lines = [f"## {PART}Risk Assessment", ""]
    if found.attributed:
        lines += [f"### Hazards of the pending migrations ({len(found.hazards)})", ""]
        lines += [f"- {_ICONS.get(h.severity, '')} **{h.severity}** `{h.revision}` ({h.type}): {cell(h.message)}"
                  for h in found.hazards] or ["None."]
        lines.append("")
    for severity, changes in by_severity(report.changes).items():
        lines += [f"### {_ICONS.get(severity, '')} {SEVERITY_TITLES.get(severity, severity)} ({len(changes)})", ""]
        if not changes:
            lines += ["None.", ""]
            continue
        for number, change in enumerate(changes, 1):
            note = f" — _{cell(waiver_note(change))}_" if change.waiver else ""
            lines.append(f"{number}. {cell(change.reason)}{note}")
        lines.append("")
    return lines


def recommendations(report: Report, summary: Facts) -> list[str]:
    """What to do, derived from the findings (each line only when it applies)."""
    advice = []
    status = report.migrations
    if status is not None and status.pending:
        hazards = sum(len(p.hazards) for p in status.pending)
        advice.append(f"Review the {counted(len(status.pending), 'pending migration')} "
                      f"({counted(hazards, 'hazard')} found), back up, then run `alembic upgrade head`.")
    if summary.renames:
        advice.append(f"Verify the {counted(len(summary.renames), 'rename candidate')}: if real, write a "
                      f"migration that renames (and migrates data); pgdrift never applies them.")
    if summary.by_severity["critical"]:
        advice.append(f"Fix the {counted(summary.by_severity['critical'], 'critical finding')} first: "
                      f"the application's queries fail against these objects.")
    if summary.by_severity["high"]:
        advice.append(f"Restore the {counted(summary.by_severity['high'], 'high finding')}: "
                      f"integrity and behaviour (constraints, nullability, routines, policies).")
    unexpected = summary.by_change.get("unexpected", 0)
    if unexpected:
        advice.append(f"Find who created the {counted(unexpected, 'unexpected object')}: add them to a "
                      f"migration or drop them.")
    if summary.expired_waivers:
        advice.append(f"Renew or resolve the {counted(summary.expired_waivers, 'expired waiver')}.")
    if not advice:
        advice.append("Nothing to do: the schemas match.")
    return [f"## {PART}Recommendations", "", *[f"{n}. {text}" for n, text in enumerate(advice, 1)]]


def _statistics(report: Report, summary: Facts) -> list[str]:
    expected_tables = table_count(report.expected)
    missing = len(summary.tables_missing)
    share = f" ({missing / expected_tables:.0%} of expected)" if expected_tables else ""
    columns = [c for found in summary.columns_by_table.values() for c in found]
    rows = [("Findings (active)", str(summary.active)),
            *((f"  {severity}", str(count)) for severity, count in summary.by_severity.items()),
            ("Waived", str(summary.waived)), ("Expired waivers", str(summary.expired_waivers)),
            ("Tables missing in actual", f"{missing}{share}"),
            ("Tables not expected", str(len(summary.tables_unexpected))),
            ("Columns missing", str(sum(1 for c in columns if c.change == ChangeType.MISSING))),
            ("Columns not expected", str(sum(1 for c in columns if c.change == ChangeType.UNEXPECTED))),
            ("Column attributes altered", str(sum(1 for c in columns if c.change == ChangeType.ALTERED))),
            ("Rename candidates", str(len(summary.renames)))]
    status = report.migrations
    if status is not None:
        rows += [("Migration state", status.state),
                 ("Migrations pending", "unknown" if status.lag_revisions is None else str(status.lag_revisions)),
                 ("Migration lag", "unknown" if status.lag_days is None else f"{status.lag_days:g} days")]
    width = max(len(name) for name, _ in rows) + 2
    body = [f"{name + ':':<{width}}{value}" for name, value in rows]
    return ["## Summary Statistics", "", "```", "Schema Drift Metrics:", "-" * 48, *body, "```"]


def _data_integrity(found: Situation, summary: Facts) -> list[str]:
    lines = [f"## {PART}Data Integrity", "", "### Data That Must Move", ""]
    moves = plan.data_moves(found, summary.renames)
    lines += table(["From", "To", "Why"], [[code(source), code(target), cell(why)] for source, target, why in moves]) \
        if moves else ["None found."]
    lines += ["", "### New Tables (start empty; seed them if the application expects rows)", ""]
    created = plan.new_tables(found)
    lines += table(["Table", "Created by"], [[code(name), code(revision)] for name, revision in created]) \
        if created else ["None."]
    return lines


def _application_plan(found: Situation) -> list[str]:
    lines = [f"## {PART}Migration Application Plan", "", "### Pre-Migration Checklist", ""]
    lines += [f"- [ ] {item}" for item in plan.checklist(found)]
    lines += ["", "### Migration Execution Order (graph order)", "", "```bash"]
    steps = plan.upgrade_steps(found)
    lines += [f"alembic upgrade {step.revision}  # {step.comment}" for step in steps]
    lines += ["# or all at once: alembic upgrade heads", "```"]
    return lines


def _number_parts(lines: list[str]) -> list[str]:
    numbered, part = [], 0
    for line in lines:
        if PART in line:
            part += 1
            line = line.replace(PART, f"Part {part}: ")
        numbered.append(line)
    return numbered


def render_markdown(report: Report, target: str | None = None) -> str:
    summary = facts(report)
    found = situation(report, target)
    lines = [f"# {cell(found.headline)}", "", f"_{cell(report.title)}_", "",
             f"**Date**: {report.generated_at}",
             f"**Comparison**: {code(report.expected.source)} (expected) vs {code(report.actual.source)} (actual)",
             f"**Status**: {_status(report)}", "", "---", ""]
    rule = ["", "---", ""]
    lines += [*_executive_summary(report, summary), *rule]
    if report.migrations is not None:
        lines += [*_migration_status(report.migrations), *rule]
    lines += [*_answers(found), *rule, *_table_count(report), *rule]
    lines += [*_missing_by_migration(report), *rule, *_one_sided(summary), *rule]
    lines += [*_column_section(report, summary), *_other_section(summary), "---", ""]
    if found.attributed:
        lines += [*_pending_section(found, PART, report.migrations), *rule]
    lines += [*_risk_section(report, found), "---", ""]
    if found.attributed or summary.renames:
        lines += [*_data_integrity(found, summary), *rule]
    if found.pending:
        lines += [*_application_plan(found), *rule]
    lines += [*recommendations(report, summary), *rule]
    lines += _statistics(report, summary)
    return "\n".join(_number_parts(lines)) + "\n"
