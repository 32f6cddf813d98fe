"""Rendering a `Report`: text, markdown, JSON and HTML, all from the same change data.

Slack and email renderers live beside these (`render/slack.py`, `render/email.py`).
"""

from __future__ import annotations

from pgdrift.compare.findings import Report
from pgdrift.errors import ConfigError
from pgdrift.render.html import render_html
from pgdrift.render.json_report import render_json, report_to_json
from pgdrift.render.markdown import render_markdown
from pgdrift.render.text import render_text

FORMATS = ("text", "markdown", "json", "html")

__all__ = ["FORMATS", "render", "report_to_json"]


def render(report: Report, fmt: str, color: bool = False, target: str | None = None) -> str:
    """The report in one of FORMATS; `color` adds ANSI colour to text (for a TTY); `target` names
    the database in the headline (else the actual side's database)."""
    if fmt == "text":
        return render_text(report, color, target)
    if fmt == "markdown":
        return render_markdown(report, target)
    if fmt == "json":
        return render_json(report)
    if fmt == "html":
        return render_html(report, target)
    raise ConfigError(f"rendering the report: unknown format {fmt!r}", f"Use one of {', '.join(FORMATS)}")
