"""The text report for terminals. It leads with the three answers (issue 15): what changed out of
band, the pending migrations one line each with what they do, and their hazards; then the
comparison's details. ANSI colour only when asked."""

from __future__ import annotations

from pgdrift.compare.findings import SEVERITY_RANK, Change, Report
from pgdrift.compare.situation import Situation, situation
from pgdrift.render.summary import (
    facts,
    hazard_line,
    out_of_band_note,
    out_of_band_title,
    pending_line,
    status_line,
    waiver_note,
)

_COLOURS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}
_BOLD = "\033[1m"
_RESET = "\033[0m"


def _paint(text: str, colour: str, color: bool) -> str:
    return f"{colour}{text}{_RESET}" if color and colour else text


def _details(report: Report) -> list[str]:
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
        if status.detail:
            lines.append(f"  {status.detail}")
    return lines


def _finding(change: Change, attributed: bool, color: bool) -> list[str]:
    tag = _paint(f"[{change.severity}]", _COLOURS.get(change.severity, ""), color)
    lines = [f"  {tag} {change.reason}"]
    notes = [note for note in (waiver_note(change), out_of_band_note(change) if attributed else "") if note]
    if notes:
        lines.append(f"      ({'; '.join(notes)})")
    return lines


def _out_of_band(found: Situation, color: bool) -> list[str]:
    ordered = sorted(found.out_of_band, key=lambda change: SEVERITY_RANK[change.severity])
    lines = ["", _paint(f"{out_of_band_title(found).upper()} ({len(ordered)})", _BOLD, color)]
    lines += [line for change in ordered for line in _finding(change, found.attributed, color)]
    return lines if ordered else [*lines, "  none"]


def _pending(found: Situation, color: bool) -> list[str]:
    if not found.attributed:
        return []
    days = f", {found.lag_days:.1f} days" if found.lag_days else ""
    lines = ["", _paint(f"PENDING MIGRATIONS ({len(found.pending)}{days})", _BOLD, color)]
    lines += [f"  {pending_line(step)}" for step in found.pending]
    lines += ["  (unplaced) " + change.reason for change in found.unplaced]
    return lines if found.pending or found.unplaced else [*lines, "  none"]


def _hazards(found: Situation, color: bool) -> list[str]:
    if not found.attributed:
        return []
    lines = ["", _paint(f"HAZARDS ({len(found.hazards)}): what applying them runs into", _BOLD, color)]
    lines += [f"  {hazard_line(hazard)}" for hazard in found.hazards]
    return lines if found.hazards else [*lines, "  none"]


def _waived(found: Situation, color: bool) -> list[str]:
    if not found.waived:
        return []
    return ["", _paint(f"WAIVED ({len(found.waived)})", _BOLD, color),
            *(line for change in found.waived for line in _finding(change, found.attributed, color))]


def render_text(report: Report, color: bool = False, target: str | None = None) -> str:
    found = situation(report, target)
    lines = [_paint(found.headline, _BOLD, color), *_details(report)]
    if not report.changes and report.status == "clean":
        return "\n".join([*lines, "", "No differences."]) + "\n"
    lines += _out_of_band(found, color) + _pending(found, color) + _hazards(found, color) + _waived(found, color)
    return "\n".join(lines) + "\n"
