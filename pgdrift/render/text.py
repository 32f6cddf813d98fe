"""The text report for terminals: findings by severity, one line each; ANSI colour only when asked."""

from __future__ import annotations

from pgdrift.compare.findings import Report
from pgdrift.render.summary import SEVERITY_TITLES, by_severity, facts, status_line, waiver_note

_COLOURS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}
_RESET = "\033[0m"


def _paint(text: str, severity: str, color: bool) -> str:
    return f"{_COLOURS.get(severity, '')}{text}{_RESET}" if color else text


def _header(report: Report) -> list[str]:
    summary = facts(report)
    counts = ", ".join(f"{count} {severity}" for severity, count in summary.by_severity.items())
    lines = [f"{report.title}: {status_line(report)}",
             f"  expected: {report.expected.source} ({report.expected.fingerprint[:19]})",
             f"  actual:   {report.actual.source} ({report.actual.fingerprint[:19]})",
             f"  findings: {summary.active} active ({counts}); {summary.waived} waived; "
             f"{summary.expired_waivers} with expired waivers"]
    status = report.migrations
    if status is not None:
        lag = f"{status.lag_revisions} revision(s)" if status.lag_revisions is not None else "unknown lag"
        days = f", {status.lag_days:g} day(s)" if status.lag_days is not None else ""
        lines.append(f"  migrations: {status.state}; live {', '.join(status.live_revisions) or '-'}, "
                     f"head {', '.join(status.head_revisions) or '-'} ({lag}{days})")
        for pending in status.pending:
            lines.append(f"    pending {pending.revision} {pending.date or ''} {pending.message}".rstrip())
            lines.extend(f"      hazard ({hazard.type}): {hazard.message}" for hazard in pending.hazards)
    return lines


def render_text(report: Report, color: bool = False) -> str:
    lines = _header(report)
    for severity, changes in by_severity(report.changes).items():
        if not changes:
            continue
        lines += ["", _paint(f"{SEVERITY_TITLES.get(severity, severity).upper()} ({len(changes)})", severity, color)]
        for change in changes:
            marker = "  " if change.active else "~ "
            lines.append(f"  {marker}{change.reason}")
            extras = [note for note in (waiver_note(change),
                                        f"cause: {change.cause}" if change.cause else "",
                                        f"migration: {change.migration}" if change.migration else "") if note]
            if extras:
                lines.append(f"      ({'; '.join(extras)})")
    if not report.changes:
        lines += ["", "No differences."]
    return "\n".join(lines) + "\n"
