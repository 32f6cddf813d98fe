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
from pgdrift.compare.situation import PendingStep, Situation, plural, situation
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

# Identity fields an object's JSON repeats from its name: left out of the inline summary.
_IDENTITY = frozenset({"schema", "table", "name", "kind"})

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2939}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px} h3{font-size:15px;margin:16px 0 6px}
.meta{color:#475467} code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#eef0f3;padding:1px 4px;
border-radius:3px;overflow-wrap:anywhere}
code.rev,td code.name{white-space:nowrap}
.cards{display:flex;gap:10px;flex-wrap:wrap;margin:14px 0}
.card{background:#fff;border:1px solid #e4e7ec;border-top:4px solid var(--c,#e4e7ec);border-radius:8px;
padding:10px 14px;min-width:110px}
.card b{display:block;font-size:22px}
section.sev{background:#fff;border:1px solid #e4e7ec;border-left:6px solid var(--c);border-radius:8px;
padding:6px 16px 12px;margin:14px 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:6px 0} th,td{text-align:left;padding:5px 8px;
border-bottom:1px solid #eaecf0;vertical-align:top;overflow-wrap:break-word}
th{font-weight:600;color:#475467;font-size:12px}
tr.waived td{opacity:.55} .badge{font-size:11px;padding:1px 6px;border-radius:8px;background:#eef0f3;white-space:nowrap}
.badge.sev{background:var(--c);color:#fff}
details summary{cursor:pointer;color:#475467}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;margin:4px 0}
ol.findings,ul.hazards{list-style:none;padding:0;margin:0}
.finding{background:#fff;border:1px solid #e4e7ec;border-left:6px solid var(--c);border-radius:8px;padding:8px 14px;
margin:8px 0}
.finding p{margin:4px 0}
dl.values{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0 2px}
dl.values dt{color:#475467;font-size:12px;font-weight:600} dl.values dd{margin:0}
details.step{background:#fff;border:1px solid #e4e7ec;border-radius:8px;margin:6px 0;padding:6px 14px}
details.step>summary{color:inherit} details.step .date,.effects{color:#475467} details.step .date{white-space:nowrap}
details.step.hazardous{border-left:6px solid #b42318}
.step-body{padding:4px 0 4px 18px} .step-body ul{margin:4px 0}
.hazard{background:#fef3f2;border:1px solid #fecdca;border-left:6px solid #b42318;border-radius:8px;
padding:8px 14px;margin:8px 0}
.hazard b{color:#b42318}
@media print{
body{background:#fff;color:#000;font-size:11px}
main{max-width:none;padding:0}
svg{display:none}
code{background:none;padding:0}
.card,section.sev,.finding,details.step,.hazard{background:none;border:1px solid #000;border-left-width:3px;
box-shadow:none}
.badge,.badge.sev{background:none;color:#000;border:1px solid #000}
.hazard b,th,.meta,details summary,details.step .date,.effects,dl.values dt{color:#000}
details::details-content{content-visibility:visible;display:block}
details>summary{list-style:none} details>summary::-webkit-details-marker{display:none}
section.part+section.part{break-before:page}
h2,h3{break-after:avoid} tr,li,.finding,.hazard,details.step{break-inside:avoid}
tr.waived td{opacity:1;color:#555}
}
""" + "".join(f".severity-{severity}{{--c:{colour}}}" for severity, colour in _COLOURS.items()) + "\n"


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


def _brief(value: Any) -> str:
    """A value in a line for the out-of-band findings: an object's set fields (its definition,
    if it has one) rather than its whole JSON, which follows in a collapsed block."""
    if value is None:
        return "absent"
    if not isinstance(value, dict):
        return f"<code>{escape(str(value))}</code>"
    if value.get("definition"):
        line = str(value["definition"])
    else:
        line = ", ".join(f"{key} {item}" for key, item in value.items()
                         if key not in _IDENTITY and item not in (None, False, [], {}, ""))
    full = escape(json.dumps(value, indent=1, ensure_ascii=False))
    return (f"<code>{escape(line or 'present')}</code>"
            f"<details><summary>full object</summary><pre>{full}</pre></details>")


def _row(change: Change) -> str:
    notes = [note for note in (waiver_note(change), change.cause or "", change.migration or "") if note]
    confidence = f' <span class="badge">confidence {change.confidence:.2f}</span>' \
        if change.confidence is not None else ""
    return (f'<tr class="{"" if change.active else "waived"}"><td>{escape(change.kind)}</td>'
            f'<td><code class="name">{escape(change.object)}</code></td><td>{escape(change.change)}{confidence}</td>'
            f"<td>{escape(change.attribute or '')}</td><td>{_value(change.expected)}</td>"
            f"<td>{_value(change.actual)}</td><td>{escape(change.reason)}"
            f"{'<br><small>' + escape('; '.join(notes)) + '</small>' if notes else ''}</td></tr>")


def _severity_section(severity: str, changes: list[Change]) -> str:
    groups: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        groups[change.table or "(not in a table)"].append(change)
    head = "<tr><th>Kind</th><th>Object</th><th>Change</th><th>Attribute</th><th>Expected</th>" \
           "<th>Actual</th><th>Why it matters</th></tr>"
    body = "".join(f'<h3><code>{escape(table)}</code> ({len(found)})</h3><div class="scroll"><table>{head}'
                   f"{''.join(_row(change) for change in found)}</table></div>"
                   for table, found in sorted(groups.items()))
    title = SEVERITY_TITLES.get(severity, severity)
    return (f'<section class="sev severity-{escape(severity)}">'
            f"<h2>{escape(title)} ({len(changes)})</h2>{body}</section>")


def _migrations(status: MigrationStatus) -> str:
    lag = "unknown" if status.lag_revisions is None else f"{status.lag_revisions} revision(s)"
    days = "" if status.lag_days is None else f", {status.lag_days:g} day(s)"
    detail = f" {escape(status.detail)}." if status.detail else ""
    live = "".join(f' <code class="rev">{escape(revision)}</code>' for revision in status.live_revisions) or " —"
    head = "".join(f' <code class="rev">{escape(revision)}</code>' for revision in status.head_revisions) or " —"
    return (f'<section class="part" id="migrations"><h2>Migrations</h2><p>State <b>{escape(status.state)}</b>: '
            f"live{live}, head{head}; lag {escape(lag + days)}.{detail}</p></section>")


def _finding(change: Change, attributed: bool) -> str:
    """One out-of-band finding: what, why, and the expected and actual values side by side."""
    note = f"<p><small>{escape(out_of_band_note(change))}</small></p>" if attributed and change.migration else ""
    attribute = f" ({escape(change.attribute)})" if change.attribute else ""
    return (f'<li class="finding severity-{escape(change.severity)}">'
            f'<span class="badge sev">{escape(change.severity)}</span> {escape(change.kind)} '
            f'<code class="name">{escape(change.object)}</code> {escape(change.change)}{attribute}'
            f"<p>{escape(change.reason)}</p>"
            f"<dl class=\"values\"><dt>Expected</dt><dd>{_brief(change.expected)}</dd>"
            f"<dt>Actual</dt><dd>{_brief(change.actual)}</dd></dl>{note}</li>")


def _out_of_band(found: Situation) -> str:
    ordered = sorted(found.out_of_band, key=lambda change: SEVERITY_RANK[change.severity])
    items = "".join(_finding(change, found.attributed) for change in ordered)
    title = escape(out_of_band_title(found))
    return (f'<section class="part" id="out-of-band"><h2>{title} ({len(ordered)})</h2>'
            + (f'<ol class="findings">{items}</ol>' if items else "<p>None.</p>") + "</section>")


def _step(step: PendingStep) -> str:
    """A pending migration as a collapsible group; one with hazards starts open."""
    date = f' <span class="date">{escape(step.date[:10])}</span>' if step.date else ""
    badge = f' <span class="badge sev severity-critical">{escape(plural(len(step.hazards), "hazard"))}</span>' \
        if step.hazards else ""
    hazards = "".join(f'<li class="hazard"><b>{escape(h.type)}</b> on <code class="name">{escape(h.object)}</code>: '
                      f"{escape(h.message)}</li>" for h in step.hazards)
    findings = "".join(f"<li>{escape(change.reason)}</li>" for change in step.findings)
    return (f'<details class="step{" hazardous" if step.hazards else ""}"{" open" if step.hazards else ""}>'
            f'<summary><code class="rev">{escape(step.revision)}</code>{date} {escape(step.message)}{badge}'
            f'<span class="effects">: {escape(step.effects)}</span></summary>'
            f'<div class="step-body"><p>What it does: {escape(step.effects)}</p>'
            + (f'<ul class="hazards">{hazards}</ul>' if hazards else "")
            + (f"<p>Explains {escape(plural(len(step.findings), 'finding'))}:</p><ul>{findings}</ul>"
               if findings else "")
            + "</div></details>")


def _pending(found: Situation) -> str:
    days = f", {found.lag_days:.1f} days" if found.lag_days else ""
    steps = "".join(_step(step) for step in found.pending) or "<p>None.</p>"
    return (f'<section class="part" id="pending"><h2>Pending migrations ({len(found.pending)}{days})</h2>'
            f"{steps}</section>")


def _hazards(found: Situation) -> str:
    items = "".join(f'<li class="hazard"><b>{escape(h.type)}</b> <code class="rev">{escape(h.revision)}</code> '
                    f'on <code class="name">{escape(h.object)}</code>: {escape(h.message)}</li>'
                    for h in found.hazards)
    return (f'<section class="part" id="hazards"><h2>Hazards ({len(found.hazards)})</h2>'
            + (f'<ul class="hazards">{items}</ul>' if items else "<p>None.</p>") + "</section>")


def _answers(found: Situation) -> str:
    """The three answers (issue 15) that lead the page: out of band first, then the pending
    migrations, then the hazards of applying them."""
    if not found.attributed:
        return _out_of_band(found)
    return _out_of_band(found) + _pending(found) + _hazards(found)


def render_html(report: Report, target: str | None = None) -> str:
    summary = facts(report)
    found = situation(report, target)
    cards = "".join(f'<div class="card severity-{escape(severity)}">'
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
<section class="part" id="findings">
{'<h2>All findings by severity</h2>' if sections else ''}
{sections or '<p>No differences.</p>'}
<h2>Recommendations</h2><ol>{advice}</ol>
</section>
</main></body></html>
"""
