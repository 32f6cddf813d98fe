"""The markdown report, in the structure of the hand-written report it replaces
(`schema-drift-report-2026-02-02.md`): executive summary, migration status, tables missing on
each side, column-level drift, risk assessment by severity, recommendations, summary statistics.
Every figure is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pgdrift.compare.findings import SEVERITY_RANK, Change, MigrationStatus, Report
from pgdrift.compare.situation import Situation, situation
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
    # the pending migrations and hazards lead the report (see `_answers`); here, what each changes
    if any(pending.changes for pending in status.pending):
        lines += ["", "### What each pending migration changes"]
    for pending in status.pending:
        if pending.changes:
            lines += ["", f"#### `{pending.revision}`: {cell(pending.message)}", ""]
            # a report stored before issue 15 has pending changes without reasons
            lines += [f"- {cell(change.reason or f'{change.kind} {change.object}: {change.change}')}"
                      for change in pending.changes]
    return lines


def _answers(found: Situation) -> list[str]:
    """The three answers (issue 15): out of band, pending migrations, hazards."""
    lines = [f"## {out_of_band_title(found)} ({len(found.out_of_band)})", ""]
    ordered = sorted(found.out_of_band, key=lambda change: SEVERITY_RANK[change.severity])
    lines += [f"- {_ICONS.get(c.severity, '')} **{c.severity}** {cell(c.reason)}"
              + (f" — _{cell(out_of_band_note(c))}_" if found.attributed and c.migration else "")
              for c in ordered] or ["None."]
    if not found.attributed:
        return lines
    days = f", {found.lag_days:.1f} days" if found.lag_days else ""
    lines += ["", f"## Pending Migrations ({len(found.pending)}{days})", ""]
    lines += table(["Migration", "Date", "Message", "What it does", "Hazards"],
                   [[code(step.revision), _date(step.date), cell(step.message), cell(step.effects),
                     str(len(step.hazards))] for step in found.pending]) if found.pending else ["None."]
    lines += ["", f"## Hazards ({len(found.hazards)})", ""]
    lines += [f"- {_ICONS.get(h.severity, '')} `{h.revision}` ({h.type}) on {code(h.object)}: {cell(h.message)}"
              for h in found.hazards] or ["None."]
    return lines


def _attribution(change: Change) -> list[str]:
    return [cell(change.cause), code(change.migration)]


def _tables_section(report: Report, summary: Facts) -> list[str]:
    expected_tables, actual_tables = table_count(report.expected), table_count(report.actual)
    lines = ["## Table Count Summary", "", "```",
             f"Expected: {expected_tables if expected_tables is not None else 'unknown'} tables",
             f"Actual:   {actual_tables if actual_tables is not None else 'unknown'} tables"]
    if expected_tables is not None and actual_tables is not None:
        lines.append(f"Difference: {actual_tables - expected_tables:+d} tables")
    lines += ["```", ""]
    attributed = report.migrations is not None
    extra = ["Cause", "Migration"] if attributed else []
    lines += ["## Part 1: Tables Missing in Actual", ""]
    if summary.tables_missing:
        lines += table(["Table", "Objects", "Severity", "Waiver", *extra],
                       [[code(c.object), cell(_children(c)), c.severity, cell(waiver_note(c)),
                         *(_attribution(c) if attributed else [])] for c in summary.tables_missing])
    else:
        lines.append("None.")
    lines += ["", "### Tables in Actual Not Expected", ""]
    if summary.tables_unexpected:
        lines += table(["Table", "Objects", "Severity", "Waiver"],
                       [[code(c.object), cell(_children(c)), c.severity, cell(waiver_note(c))]
                        for c in summary.tables_unexpected])
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
    lines = ["## Part 2: Column-Level Drift", ""]
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
    lines = ["## Part 3: Other Objects", ""]
    if not summary.others:
        return [*lines, "None.", ""]
    lines += table(["Kind", "Object", "Change", "Attribute", "Severity", "Reason"],
                   [[label(c.kind), code(c.object), c.change, cell(c.attribute), c.severity, cell(c.reason)]
                    for c in summary.others])
    return [*lines, ""]


def _risk_section(report: Report) -> list[str]:
    lines = ["## Part 4: Risk Assessment", ""]
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
    return ["## Part 5: Recommendations", "", *[f"{n}. {text}" for n, text in enumerate(advice, 1)]]


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


def render_markdown(report: Report, target: str | None = None) -> str:
    summary = facts(report)
    found = situation(report, target)
    lines = [f"# {cell(found.headline)}", "", f"_{cell(report.title)}_", "",
             f"**Date**: {report.generated_at}",
             f"**Comparison**: {code(report.expected.source)} (expected) vs {code(report.actual.source)} (actual)",
             f"**Status**: {_status(report)}", "", "---", ""]
    rule = ["", "---", ""]
    lines += [*_answers(found), *rule]
    lines += [*_executive_summary(report, summary), *rule]
    if report.migrations is not None:
        lines += [*_migration_status(report.migrations), *rule]
    lines += [*_tables_section(report, summary), *rule]
    lines += [*_column_section(report, summary), *_other_section(summary), "---", ""]
    lines += [*_risk_section(report), "---", ""]
    lines += [*recommendations(report, summary), *rule]
    lines += _statistics(report, summary)
    return "\n".join(lines) + "\n"
