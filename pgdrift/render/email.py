"""The plain-text alert body for email subscribers of the SNS topic.

Readable in any mail client: a one-line summary, the top findings, the pending migrations with
their dates, and where the full report is. Pure: a `Notification` in, text out.
"""

from __future__ import annotations

from pgdrift.notify.alerting import Notification, NotifiedFinding, describe_identity

TOP_FINDINGS = 15
_TITLES = {
    "drift": "schema drift detected",
    "resolved": "schema drift resolved",
    "reminder": "schema drift persists (reminder)",
    "failed": "MONITOR FAILED",
}


def subject(notification: Notification) -> str:
    """The SNS subject (email subject line): at most 100 characters, printable ASCII. Drift says
    the three answers' counts (issue 15)."""
    if notification.situated and notification.status in ("drift", "reminder"):
        text = f"pgdrift {notification.headline.replace(' · ', ', ')}"
        return text.encode("ascii", "replace").decode("ascii")[:100]
    severity = f" [{notification.severity}]" if notification.status in ("drift", "reminder") and \
        notification.severity else ""
    text = f"pgdrift {notification.target}: {_TITLES[notification.status]}{severity}"
    return text.encode("ascii", "replace").decode("ascii")[:100]


def _finding_line(finding: NotifiedFinding) -> str:
    attribute = f" ({finding.attribute})" if finding.attribute else ""
    mark = "NEW " if finding.new else ""
    reason = f": {finding.reason}" if finding.reason else ""
    what = f"{finding.change} {finding.kind} {finding.object}{attribute}"
    return f"  - {mark}[{finding.severity}] {what}{reason}"


def _revision_lines(notification: Notification) -> list[str]:
    if not notification.head_revisions and not notification.live_revisions:
        return []
    live = ", ".join(notification.live_revisions) or "none"
    head = ", ".join(notification.head_revisions) or "none"
    lag = f", {notification.lag_days:.1f} days behind" if notification.lag_days else ""
    return [f"Live revision: {live}  (head: {head}{lag})"]


def _summary(notification: Notification) -> list[str]:
    if notification.status == "failed":
        return [f"The monitor could not check target {notification.target!r}.",
                f"Reason: {notification.reason}", f"What to do: {notification.remedy or 'see the logs'}"]
    if notification.status == "resolved":
        return [f"Target {notification.target!r} matches its expected schema again.",
                f"Cleared since the last alert: {len(notification.cleared_findings)} finding(s)."]
    counts = ", ".join(f"{count} {severity}" for severity, count in notification.severity_counts if count)
    total = notification.total_findings
    lines = [f"Target {notification.target!r}: {total} finding(s) ({counts or 'none'})."]
    if notification.status == "drift":
        lines.append(f"New since the last alert: {len(notification.new_findings)}; "
                     f"cleared: {len(notification.cleared_findings)}.")
    return lines


def _findings(notification: Notification) -> list[str]:
    if not notification.findings:
        return []
    lines = ["", "Top findings:"] + [_finding_line(item) for item in notification.findings[:TOP_FINDINGS]]
    more = notification.total_findings - min(len(notification.findings), TOP_FINDINGS)
    return lines + ([f"  ... and {more} more"] if more > 0 else [])


def _cleared(notification: Notification) -> list[str]:
    if not notification.cleared:
        return []
    lines = ["", "Cleared since the last alert:"]
    lines += [f"  - {describe_identity(identity)}" for identity in notification.cleared[:TOP_FINDINGS]]
    more = len(notification.cleared) - TOP_FINDINGS
    return lines + ([f"  ... and {more} more"] if more > 0 else [])


def _out_of_band(notification: Notification) -> list[str]:
    if not notification.out_of_band:
        return []
    title = "Out of band: changed outside any migration" if notification.migration_state else "Differences"
    lines = ["", f"{title} ({notification.out_of_band_total}):"]
    for finding in notification.out_of_band[:TOP_FINDINGS]:
        shaped = f" (last shaped by {finding.migration})" if finding.migration else ""
        mark = "NEW " if finding.new else ""
        lines.append(f"  - {mark}[{finding.severity}] {finding.reason or finding.object}{shaped}")
    more = notification.out_of_band_total - min(len(notification.out_of_band), TOP_FINDINGS)
    return lines + ([f"  ... and {more} more"] if more > 0 else [])


def _pending(notification: Notification) -> list[str]:
    if not notification.pending:
        return []
    days = f", {notification.lag_days:.1f} days" if notification.lag_days else ""
    lines = ["", f"Pending migrations ({len(notification.pending)}{days}):"]
    for item in notification.pending:
        effects = f": {item.effects}" if item.effects else ""
        hazards = f" [{item.hazards} hazard(s)]" if item.hazards else ""
        lines.append(f"  - {item.revision}  {(item.date or 'undated')[:10]}  {item.message}{effects}{hazards}")
    return lines


def _hazards(notification: Notification) -> list[str]:
    if not notification.hazards:
        return []
    return ["", f"Hazards ({len(notification.hazards)}): what applying them runs into"] + [
        f"  - {hazard.revision} ({hazard.type}): {hazard.message}" for hazard in notification.hazards]


def render_email(notification: Notification) -> str:
    lines = [subject(notification), "=" * len(subject(notification)), ""]
    lines += _summary(notification) + _revision_lines(notification)
    if notification.situated:  # the three answers (issue 15)
        lines += _out_of_band(notification) + _pending(notification) + _hazards(notification) + _cleared(notification)
    else:  # a notification from a monitor before issue 15
        lines += _findings(notification) + _cleared(notification) + _pending(notification)
    lines += ["", f"Run {notification.run_id} at {notification.time}"]
    if notification.report_url:
        lines.append(f"Full report: {notification.report_url}")
    if notification.report_key:
        lines.append(f"S3 key: {notification.report_key}")
    return "\n".join(lines) + "\n"
