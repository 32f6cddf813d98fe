"""The Slack Block Kit message for a `Notification` (pure: data in, a JSON-able dict out), built
with slack_sdk's block models (data classes only: no client, no network), which check each
block against Slack's rules as it is turned into JSON.

Slack's limits hold whatever the size of the drift: at most 50 blocks, 3000 characters per
section text, 150 per header. Long lists are cut and end with "and N more".
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from pgdrift.notify.alerting import Notification, NotifiedFinding, NotifiedMigration, describe_identity
from pgdrift.vocabulary import MigrationState

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
TOP_FINDINGS = 20
TOP_OUT_OF_BAND = 15
TOP_PENDING = 10
TOP_HAZARDS = 10
_ICONS = {"drift": ":rotating_light:", "reminder": ":alarm_clock:", "resolved": ":white_check_mark:",
          "failed": ":x:"}
_TITLES = {"drift": "Schema drift", "reminder": "Drift persists", "resolved": "Drift resolved",
           "failed": "Monitor failed"}


def escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(text: str) -> Block:
    return SectionBlock(text=MarkdownTextObject(text=_cut(text, MAX_SECTION_TEXT)))


def header_text(notification: Notification) -> str:
    """The title and, for drift, the three answers' counts (issue 15)."""
    if notification.situated and notification.status in ("drift", "reminder"):
        return _cut(f"{_TITLES[notification.status]} · {notification.headline}", MAX_HEADER_TEXT)
    shown = notification.severity and notification.status != "resolved"
    severity = f" · {notification.severity}" if shown else ""
    return _cut(f"{_TITLES[notification.status]} · {notification.target}{severity}", MAX_HEADER_TEXT)


def _summary(notification: Notification) -> str:
    if notification.status == "failed":
        return (f"*The monitor could not check `{escape(notification.target)}`.*\n"
                f"*Reason:* {escape(notification.reason or 'unknown')}\n"
                f"*What to do:* {escape(notification.remedy or 'see the function logs')}")
    lines = []
    if notification.live_revisions or notification.head_revisions:
        live = ", ".join(notification.live_revisions) or "none"
        head = ", ".join(notification.head_revisions) or "none"
        lines.append(f"*Live revision* `{escape(live)}` vs *head* `{escape(head)}`")
    if notification.lag_days is not None:
        lines.append(f"*Lag:* {notification.lag_days:.1f} days")
    if notification.migration_state is not None and notification.migration_state != MigrationState.AT_HEAD:
        pending = f" ({len(notification.pending)} pending)" if notification.pending else ""
        lines.append(f"*Migrations:* {escape(notification.migration_state.replace('_', ' '))}{pending}")
    counts = " · ".join(f"{severity}: {count}" for severity, count in notification.severity_counts)
    lines.append(f"*Findings:* {notification.total_findings} ({counts or 'none'})")
    if notification.status == "drift":
        lines.append(f"*New since the last alert:* {len(notification.new_findings)} · "
                     f"*cleared:* {len(notification.cleared_findings)}")
    if notification.status == "resolved":
        lines.append(f"Cleared since the last alert: {len(notification.cleared_findings)}")
    return "\n".join(lines)


def _finding_line(finding: NotifiedFinding) -> str:
    attribute = f" ({escape(finding.attribute)})" if finding.attribute else ""
    new = " :new:" if finding.new else ""
    reason = f" — {escape(finding.reason)}" if finding.reason else ""
    what = f"{finding.change} {finding.kind} `{escape(finding.object)}`{attribute}"
    return f"• *{finding.severity}*{new} {what}{reason}"


def _list_sections(title: str, lines: list[str], total: int) -> list[Block]:
    """Pack lines into as few sections as fit 3000 characters; end with "and N more"."""
    sections: list[Block] = []
    current = f"*{title}*"
    for line in lines:
        line = _cut(line, MAX_SECTION_TEXT - len(title) - 10)
        if len(current) + 1 + len(line) > MAX_SECTION_TEXT:
            sections.append(_section(current))
            current = line
        else:
            current += "\n" + line
    more = total - len(lines)
    if more > 0:
        tail = f"_… and {more} more_"
        if len(current) + 1 + len(tail) > MAX_SECTION_TEXT:
            sections.append(_section(current))
            current = tail
        else:
            current += "\n" + tail
    sections.append(_section(current))
    return sections


def _findings(notification: Notification) -> list[Block]:
    if not notification.findings:
        return []
    shown = [_finding_line(item) for item in notification.findings[:TOP_FINDINGS]]
    return _list_sections("Top findings", shown, max(notification.total_findings, len(shown)))


def _cleared(notification: Notification) -> list[Block]:
    if not notification.cleared:
        return []
    shown = [f"• ~{escape(describe_identity(identity))}~" for identity in notification.cleared[:TOP_FINDINGS]]
    return _list_sections("Cleared since the last alert", shown, len(notification.cleared))


def _out_of_band(notification: Notification) -> list[Block]:
    """Every out-of-band object named (up to TOP_OUT_OF_BAND), with the migration that shaped it."""
    if not notification.out_of_band:
        return []
    lines = []
    for finding in notification.out_of_band[:TOP_OUT_OF_BAND]:
        new = " :new:" if finding.new else ""
        shaped = f" _(last shaped by `{escape(finding.migration)}`)_" if finding.migration else ""
        lines.append(f"• *{finding.severity}*{new} {escape(finding.reason or finding.object)}{shaped}")
    title = "Out of band: changed outside any migration" if notification.migration_state else "Differences"
    total = max(notification.out_of_band_total, len(lines))
    return _list_sections(f"{title} ({total})", lines, total)


def _pending_line(item: NotifiedMigration) -> str:
    date = (item.date or "undated")[:10]
    effects = f": {escape(item.effects)}" if item.effects else ""
    hazards = f" :warning: {item.hazards}" if item.hazards else ""
    return f"• `{escape(item.revision)}` {date} — {escape(item.message)}{effects}{hazards}"


def _pending(notification: Notification) -> list[Block]:
    if not notification.pending:
        return []
    shown = [_pending_line(item) for item in notification.pending[:TOP_PENDING]]
    days = f", {notification.lag_days:.1f} days" if notification.lag_days else ""
    return _list_sections(f"Pending migrations ({len(notification.pending)}{days})", shown,
                          len(notification.pending))


def _hazards(notification: Notification) -> list[Block]:
    if not notification.hazards:
        return []
    shown = [f"• `{escape(hazard.revision)}` ({hazard.type}): {escape(hazard.message)}"
             for hazard in notification.hazards[:TOP_HAZARDS]]
    return _list_sections(f"Hazards ({len(notification.hazards)}): what applying them runs into", shown,
                          len(notification.hazards))


def _footer(notification: Notification) -> list[Block]:
    blocks: list[Block] = []
    if notification.report_url:
        blocks.append(ActionsBlock(elements=[ButtonElement(text="Open the report",
                                                           url=_cut(notification.report_url, 3000))]))
    context = f"run {notification.run_id} · {notification.time}"
    if notification.fingerprint:
        context += f" · {notification.fingerprint[:19]}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=escape(_cut(context, 2000)))]))
    return blocks


def render_slack(notification: Notification) -> dict[str, Any]:
    """The webhook payload: `text` (the notification fallback) and at most 50 `blocks`."""
    title = header_text(notification)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title, emoji=True)),
        _section(f"{_ICONS[notification.status]} {_summary(notification)}"),
    ]
    if notification.situated:  # the three answers (issue 15)
        body = _out_of_band(notification) + _pending(notification) + _hazards(notification) + _cleared(notification)
    else:  # a notification from a monitor before issue 15
        body = _findings(notification) + _cleared(notification) + _pending(notification)
    footer = _footer(notification)
    room = MAX_BLOCKS - len(blocks) - len(footer) - 1
    if body:
        blocks.append(DividerBlock())
        blocks += body[:room]
    blocks += footer
    return {"text": title, "blocks": [block.to_dict() for block in blocks[:MAX_BLOCKS]]}
