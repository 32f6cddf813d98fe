"""The HTML report: one self-contained page (inline CSS and SVG, no network assets), findings
grouped by severity and then by table, with a stacked bar of the active findings per severity.
Every value from a schema passes through `html.escape`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape
from typing import Any

from pgdrift.compare.findings import SEVERITY_RANK, Change, MigrationStatus, Report
from pgdrift.compare.situation import PendingStep, Situation, situation
from pgdrift.render.markdown import recommendations
from pgdrift.render.summary import (
    SEVERITY_TITLES,
    Facts,
    by_severity,
    facts,
    out_of_band_note,
    out_of_band_title,
    status_line,
    waiver_note,
)

_COLOURS = {"critical": "#b42318", "high": "#dc6803", "medium": "#ca8504", "low": "#1570ef"}

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2939}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px} h3{font-size:15px;margin:16px 0 6px}
.meta{color:#475467} code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#eef0f3;padding:1px 4px;
border-radius:3px;word-break:break-all}
.cards{display:flex;gap:10px;flex-wrap:wrap;margin:14px 0}
.card{background:#fff;border:1px solid #e4e7ec;border-radius:8px;padding:10px 14px;min-width:110px}
.card b{display:block;font-size:22px}
section.sev{background:#fff;border:1px solid #e4e7ec;border-left:6px solid var(--c);border-radius:8px;
padding:6px 16px 12px;margin:14px 0}
table{border-collapse:collapse;width:100%;margin:6px 0} th,td{text-align:left;padding:5px 8px;
border-bottom:1px solid #eaecf0;vertical-align:top} th{font-weight:600;color:#475467;font-size:12px}
tr.waived td{opacity:.55} .badge{font-size:11px;padding:1px 6px;border-radius:8px;background:#eef0f3}
details summary{cursor:pointer;color:#475467} pre{white-space:pre-wrap;font-size:12px;margin:4px 0}
"""


def _bar(summary: Facts) -> str:
    """A stacked horizontal bar of active findings per severity, as inline SVG."""
    total = sum(summary.by_severity.values())
    if not total:
        return '<svg width="600" height="18" role="img" aria-label="no active findings">' \
               '<rect width="600" height="18" rx="4" fill="#12b76a"/></svg>'
    parts, offset = [], 0.0
    for severity, count in summary.by_severity.items():
        width = 600 * count / total
        if count:
            parts.append(f'<rect x="{offset:.1f}" width="{width:.1f}" height="18" fill="{_COLOURS[severity]}">'
                         f"<title>{count} {severity}</title></rect>")
        offset += width
    label = ", ".join(f"{count} {severity}" for severity, count in summary.by_severity.items())
    return f'<svg width="600" height="18" role="img" aria-label="{escape(label)}">{"".join(parts)}</svg>'


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        text = json.dumps(value, indent=1, ensure_ascii=False)
        return f"<details><summary>object</summary><pre>{escape(text)}</pre></details>"
    return f"<code>{escape(str(value))}</code>"


def _row(change: Change) -> str:
    notes = [note for note in (waiver_note(change), change.cause or "", change.migration or "") if note]
    confidence = f' <span class="badge">confidence {change.confidence:.2f}</span>' \
        if change.confidence is not None else ""
    return (f'<tr class="{"" if change.active else "waived"}"><td>{escape(change.kind)}</td>'
            f"<td><code>{escape(change.object)}</code></td><td>{escape(change.change)}{confidence}</td>"
            f"<td>{escape(change.attribute or '')}</td><td>{_value(change.expected)}</td>"
            f"<td>{_value(change.actual)}</td><td>{escape(change.reason)}"
            f"{'<br><small>' + escape('; '.join(notes)) + '</small>' if notes else ''}</td></tr>")


def _severity_section(severity: str, changes: list[Change]) -> str:
    groups: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        groups[change.table or "(not in a table)"].append(change)
    head = "<tr><th>Kind</th><th>Object</th><th>Change</th><th>Attribute</th><th>Expected</th>" \
           "<th>Actual</th><th>Why it matters</th></tr>"
    body = "".join(f"<h3><code>{escape(table)}</code> ({len(found)})</h3><table>{head}"
                   f"{''.join(_row(change) for change in found)}</table>"
                   for table, found in sorted(groups.items()))
    title = SEVERITY_TITLES.get(severity, severity)
    return (f'<section class="sev" style="--c:{_COLOURS.get(severity, "#667085")}">'
            f"<h2>{escape(title)} ({len(changes)})</h2>{body}</section>")


def _migrations(status: MigrationStatus) -> str:
    lag = "unknown" if status.lag_revisions is None else f"{status.lag_revisions} revision(s)"
    days = "" if status.lag_days is None else f", {status.lag_days:g} day(s)"
    detail = f" {escape(status.detail)}." if status.detail else ""
    return (f"<h2>Migrations</h2><p>State <b>{escape(status.state)}</b>: live "
            f"<code>{escape(', '.join(status.live_revisions) or '—')}</code>, head "
            f"<code>{escape(', '.join(status.head_revisions) or '—')}</code>; lag {escape(lag + days)}.{detail}</p>")


def _out_of_band(found: Situation) -> str:
    ordered = sorted(found.out_of_band, key=lambda change: SEVERITY_RANK[change.severity])
    items = "".join(
        f'<li><span class="badge" style="background:{_COLOURS[c.severity]};color:#fff">{escape(c.severity)}</span> '
        f"{escape(c.reason)}"
        f"{'<br><small>' + escape(out_of_band_note(c)) + '</small>' if found.attributed and c.migration else ''}"
        f"</li>" for c in ordered)
    title = escape(out_of_band_title(found))
    return f"<h2>{title} ({len(ordered)})</h2>" + (f"<ul>{items}</ul>" if items else "<p>None.</p>")


def _folded(step: PendingStep) -> str:
    if not step.findings:
        return ""
    reasons = "".join(f"<li>{escape(change.reason)}</li>" for change in step.findings)
    return f"<details><summary>{len(step.findings)} finding(s)</summary><ul>{reasons}</ul></details>"


def _pending(found: Situation) -> str:
    days = f", {found.lag_days:.1f} days" if found.lag_days else ""
    rows = "".join(f"<tr><td><code>{escape(step.revision)}</code></td><td>{escape(step.date or '—')}</td>"
                   f"<td>{escape(step.message)}</td><td>{escape(step.effects)}{_folded(step)}</td>"
                   f"<td>{'<br>'.join(escape(h.message) for h in step.hazards) or '—'}</td></tr>"
                   for step in found.pending)
    table = (f"<table><tr><th>Revision</th><th>Date</th><th>Message</th><th>What it does</th><th>Hazards</th></tr>"
             f"{rows}</table>") if rows else "<p>None.</p>"
    return f"<h2>Pending migrations ({len(found.pending)}{days})</h2>{table}"


def _hazards(found: Situation) -> str:
    items = "".join(f"<li><code>{escape(h.revision)}</code> ({escape(h.type)}) on <code>{escape(h.object)}</code>: "
                    f"{escape(h.message)}</li>" for h in found.hazards)
    return f"<h2>Hazards ({len(found.hazards)})</h2>" + (f"<ul>{items}</ul>" if items else "<p>None.</p>")


def _answers(found: Situation) -> str:
    """The three answers (issue 15) that lead the page."""
    if not found.attributed:
        return _out_of_band(found)
    return _out_of_band(found) + _pending(found) + _hazards(found)


def render_html(report: Report, target: str | None = None) -> str:
    summary = facts(report)
    found = situation(report, target)
    cards = "".join(f'<div class="card" style="border-top:4px solid {_COLOURS[severity]}">'
                    f"<b>{count}</b>{escape(SEVERITY_TITLES[severity])}</div>"
                    for severity, count in summary.by_severity.items())
    cards += f'<div class="card"><b>{summary.waived}</b>Waived</div>'
    sections = "".join(_severity_section(severity, changes)
                       for severity, changes in by_severity(report.changes).items() if changes)
    advice = "".join(f"<li>{escape(line.split('. ', 1)[1])}</li>"
                     for line in recommendations(report, summary)[2:])
    migrations = _migrations(report.migrations) if report.migrations is not None else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(found.headline)}</title><style>{_CSS}</style></head>
<body><main>
<h1>{escape(found.headline)}</h1>
<p class="meta">{escape(report.title)}: {escape(status_line(report))} ·
Expected <code>{escape(report.expected.source)}</code> vs actual
<code>{escape(report.actual.source)}</code> · generated {escape(report.generated_at)}</p>
{_bar(summary)}
<div class="cards">{cards}</div>
{_answers(found) if report.changes or report.migrations else ''}
{migrations}
{'<h2>All findings by severity</h2>' if sections else ''}
{sections or '<p>No differences.</p>'}
<h2>Recommendations</h2><ol>{advice}</ol>
</main></body></html>
"""
