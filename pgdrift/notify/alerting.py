"""When to alert, and what an alert says: pure decisions over the previous alert state.

Policy (issue 5):
- alert ("drift") when the set of active finding identities, or their severities, changes; the
  alert names what is new since the last alert;
- "resolved" when drift clears (or the monitor recovers from a failure with no drift);
- "reminder" every N hours while drift persists, if the target's policy asks (off by default);
- "failed" on any error, with the reason and the remedy, so silence always means healthy; a
  failure of the same category is not repeated every run (it is, after the reminder interval);
- a retried invocation (same run id) never alerts twice, and neither does an unchanged result;
- findings that a pending migration explains, and "behind head", are held back while every
  migration that explains them was first seen pending less than the grace period ago (a deploy in
  progress: CI uploaded the ledger, the migration runs in a few minutes). Only findings the last
  state does not know are held, and none on a target's first run (those migrations may have been
  pending for weeks). They are in every report all the same.

The state is stored per target and written with a compare-and-swap (see `pgdrift.aws.s3`).
The `Notification` is the message contract between the monitor and the notifiers (SNS email
text, Slack blocks): plain JSON so the Slack Lambda needs nothing but this module to read it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from pgdrift.compare.findings import SEVERITIES, SEVERITY_RANK, Change, Report
from pgdrift.compare.situation import Situation, headline, situation
from pgdrift.errors import PgDriftError
from pgdrift.vocabulary import (
    AlertStatus,
    Cause,
    ChangeType,
    HazardKind,
    MigrationState,
    Severity,
    decode,
    decode_optional,
)

ALERT_STATUSES: tuple[str, ...] = tuple(member.value for member in AlertStatus)
#: Findings carried in a notification; the rest are counted ("and N more"). Slack shows 20 and
#: email 15; the SNS publisher trims further if a message would pass SNS's 256 KB limit.
MAX_NOTIFIED_FINDINGS = 50
#: Severity given to "the database is behind head" when no finding explains it.
MIGRATION_STATE_SEVERITY = Severity.MEDIUM


@dataclass(frozen=True)
class Outcome:
    """What one run found: the alerting findings (identity -> severity), or the failure category."""

    findings: Mapping[str, str] = field(default_factory=dict)
    failure: str | None = None  # error category (see pgdrift.errors), None on success
    #: identity -> the pending revisions that explain it (see `pending_explanations`)
    pending: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertState:
    """What the last alert said, per target (stored as state/<target>.json)."""

    status: str  # "clean", "drift" or "failed": what the last run found
    findings: dict[str, str] = field(default_factory=dict)  # as of the last successful run
    last_run_id: str | None = None
    last_alert_at: str | None = None
    last_alert_status: AlertStatus | None = None
    failure: str | None = None
    #: pending revision -> when a run first saw it pending (None: already pending on the first run)
    pending_since: dict[str, str | None] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> AlertState:
        try:
            document = json.loads(text)
            if document.get("last_alert_status") is not None:
                document["last_alert_status"] = AlertStatus(document["last_alert_status"])
            return cls(**document)
        except (ValueError, TypeError, AttributeError) as error:
            raise PgDriftError(f"reading the alert state: {error}",
                               "Delete the state/<target>.json object; the next run recreates it") from None


@dataclass(frozen=True)
class Decision:
    alert: AlertStatus | None  # None for silence
    new: tuple[str, ...]  # identities new (or with a changed severity) since the last alert
    cleared: tuple[str, ...]  # identities gone since the last alert
    state: AlertState
    held: tuple[str, ...] = ()  # identities held back: their pending migrations are in the grace period


def alerting_findings(report: Report, min_severity: str = "low") -> dict[str, str]:
    """Active findings at or above `min_severity`, plus the migration state when behind head."""
    limit = SEVERITY_RANK[min_severity]
    findings: dict[str, str] = {change.identity: change.severity for change in report.active_changes
                if SEVERITY_RANK[change.severity] <= limit}
    migrations = report.migrations
    if migrations is not None and migrations.state != MigrationState.AT_HEAD and \
            SEVERITY_RANK[MIGRATION_STATE_SEVERITY] <= limit:
        heads = ",".join(migrations.head_revisions)
        findings[f"migrations|{migrations.state}||{heads}"] = MIGRATION_STATE_SEVERITY
    return findings


def pending_explanations(report: Report) -> dict[str, tuple[str, ...]]:
    """Alerting identities that pending migrations explain: each finding a pending migration
    accounts for, and the "behind head" state (explained by all of them)."""
    migrations = report.migrations
    if migrations is None or not migrations.pending:
        return {}
    explained: dict[str, tuple[str, ...]] = {
        change.identity: (change.migration,) for change in report.active_changes
        if change.cause == Cause.PENDING_MIGRATION and change.migration is not None}
    heads = ",".join(migrations.head_revisions)
    explained[f"migrations|{migrations.state}||{heads}"] = tuple(item.revision for item in migrations.pending)
    return explained


def _hours_since(moment: str | None, now: datetime) -> float:
    if moment is None:
        return float("inf")
    return (now - datetime.fromisoformat(moment)).total_seconds() / 3600


def _reminder_due(previous: AlertState, now: datetime, reminder_hours: float) -> bool:
    return reminder_hours > 0 and _hours_since(previous.last_alert_at, now) >= reminder_hours


def _decide_failure(previous: AlertState | None, outcome: Outcome, now: datetime,
                    reminder_hours: float) -> AlertStatus | None:
    if previous is None or previous.status != "failed" or previous.failure != outcome.failure:
        return AlertStatus.FAILED
    return AlertStatus.FAILED if _reminder_due(previous, now, reminder_hours) else None


def _decide_success(previous: AlertState | None, current: Mapping[str, str], now: datetime,
                    reminder_hours: float) -> AlertStatus | None:
    before = previous.findings if previous is not None else {}
    recovered = previous is not None and previous.status == "failed"
    if dict(current) != before or recovered:
        return AlertStatus.DRIFT if current else AlertStatus.RESOLVED
    if current and previous is not None and _reminder_due(previous, now, reminder_hours):
        return AlertStatus.REMINDER
    return None


def _pending_since(previous: AlertState | None, outcome: Outcome, now: datetime) -> dict[str, str | None]:
    """When each currently pending revision was first seen pending."""
    if outcome.failure is not None:
        return dict(previous.pending_since) if previous is not None else {}
    revisions = sorted({revision for revisions in outcome.pending.values() for revision in revisions})
    if previous is None:
        return dict.fromkeys(revisions)  # pending for who knows how long: no grace
    return {revision: previous.pending_since.get(revision, now.isoformat()) for revision in revisions}


def _held(previous: AlertState | None, outcome: Outcome, since: Mapping[str, str | None], now: datetime,
          grace_hours: float) -> set[str]:
    """New identities whose every explaining migration is still in its grace period."""
    if grace_hours <= 0 or outcome.failure is not None:
        return set()
    before = previous.findings if previous is not None else {}
    fresh = {revision for revision, seen in since.items()
             if seen is not None and _hours_since(seen, now) < grace_hours}
    return {identity for identity, revisions in outcome.pending.items()
            if identity in outcome.findings and identity not in before and set(revisions) <= fresh}


def decide(previous: AlertState | None, outcome: Outcome, run_id: str, now: datetime,
           reminder_hours: float = 0.0, grace_hours: float = 0.0) -> Decision:
    """The alert (if any) for this run and the state to store, given the stored state."""
    if previous is not None and previous.last_run_id == run_id:
        return Decision(alert=None, new=(), cleared=(), state=previous)  # a retried invocation
    before = previous.findings if previous is not None else {}
    since = _pending_since(previous, outcome, now)
    held = _held(previous, outcome, since, now, grace_hours)
    if outcome.failure is not None:
        alert = _decide_failure(previous, outcome, now, reminder_hours)
        current = dict(before)  # a failed run learns nothing about the schema
    else:
        current = {identity: severity for identity, severity in outcome.findings.items() if identity not in held}
        alert = _decide_success(previous, current, now, reminder_hours)
    new = tuple(sorted(key for key, severity in current.items() if before.get(key) != severity))
    cleared = tuple(sorted(before.keys() - current.keys()))
    alerted = alert is not None
    state = AlertState(
        status="failed" if outcome.failure else ("drift" if current else "clean"),
        findings=current,
        last_run_id=run_id,
        last_alert_at=now.isoformat() if alerted else (previous.last_alert_at if previous else None),
        last_alert_status=alert if alerted else (previous.last_alert_status if previous else None),
        failure=outcome.failure,
        pending_since=since,
    )
    return Decision(alert=alert, new=new if outcome.failure is None else (), cleared=cleared, state=state,
                    held=tuple(sorted(held)))


# ---------------------------------------------------------------------------------------------
# The notification: what every channel renders.


@dataclass(frozen=True)
class NotifiedFinding:
    severity: Severity
    kind: str
    change: ChangeType
    object: str
    attribute: str | None = None
    reason: str = ""
    cause: Cause | None = None
    migration: str | None = None
    new: bool = False  # new or changed since the last alert


@dataclass(frozen=True)
class NotifiedMigration:
    revision: str
    date: str | None
    message: str
    effects: str = ""  # what it does, in a line (issue 15)
    hazards: int = 0


@dataclass(frozen=True)
class NotifiedHazard:
    revision: str
    type: HazardKind
    object: str
    message: str


@dataclass(frozen=True)
class Notification:
    status: AlertStatus
    target: str
    run_id: str
    time: str
    severity: Severity | None = None  # highest active severity (None when clean)
    reason: str | None = None  # failures: what went wrong
    remedy: str | None = None  # failures: what to do
    error_category: str | None = None
    live_revisions: tuple[str, ...] = ()
    head_revisions: tuple[str, ...] = ()
    migration_state: MigrationState | None = None
    lag_days: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    total_findings: int = 0
    findings: tuple[NotifiedFinding, ...] = ()
    pending: tuple[NotifiedMigration, ...] = ()
    new: tuple[str, ...] = ()  # identities new since the last alert
    cleared: tuple[str, ...] = ()
    report_key: str | None = None
    report_url: str | None = None
    fingerprint: str | None = None
    # The three answers (issue 15). `situated` is False in a notification published before them:
    # renderers then fall back to the top findings.
    situated: bool = False
    out_of_band: tuple[NotifiedFinding, ...] = ()  # at most MAX_NOTIFIED_FINDINGS, most severe first
    out_of_band_total: int = 0
    hazards: tuple[NotifiedHazard, ...] = ()

    @property
    def headline(self) -> str:
        """"prod: 5 out-of-band changes · 16 migrations pending (15.9 days) · 3 hazards"."""
        return headline(self.target, self.out_of_band_total, self.migration_state, len(self.pending),
                        self.lag_days, len(self.hazards), attributed=self.migration_state is not None)

    @property
    def severity_attribute(self) -> str:
        """The SNS `severity` attribute: failures are critical (nobody is watching), clean is none."""
        if self.status == AlertStatus.FAILED:
            return Severity.CRITICAL
        return self.severity or "none"

    @property
    def severity_counts(self) -> list[tuple[str, int]]:
        """(severity, count) from critical to low: `counts` comes back from JSON in key order."""
        return [(severity, self.counts[severity]) for severity in SEVERITIES if severity in self.counts]

    @property
    def new_findings(self) -> tuple[str, ...]:
        """The new identities that are findings: the migration state is said apart (issue 15), so
        "new" never outnumbers the findings counted beside it."""
        return tuple(identity for identity in self.new if not is_migration_state(identity))

    @property
    def cleared_findings(self) -> tuple[str, ...]:
        return tuple(identity for identity in self.cleared if not is_migration_state(identity))

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Notification:
        try:
            document: dict[str, Any] = json.loads(text)
            document["status"] = decode(AlertStatus, document.get("status"), "the status")
            document["severity"] = decode_optional(Severity, document.get("severity"), "the severity")
            document["migration_state"] = decode_optional(
                MigrationState, document.get("migration_state"), "the migration state")
            document["findings"] = tuple(_notified_from_json(item) for item in document.get("findings", ()))
            document["out_of_band"] = tuple(_notified_from_json(item) for item in document.get("out_of_band", ()))
            document["pending"] = tuple(NotifiedMigration(**_known(NotifiedMigration, item))
                                        for item in document.get("pending", ()))
            document["hazards"] = tuple(_hazard_from_json(item) for item in document.get("hazards", ()))
            for name in ("live_revisions", "head_revisions", "new", "cleared"):
                document[name] = tuple(document.get(name, ()))
            return cls(**_known(cls, document))
        except (ValueError, TypeError, AttributeError, PgDriftError) as error:
            raise PgDriftError(f"reading a pgdrift notification: {error}",
                               "The SNS message was not published by the pgdrift monitor") from None


def _known(cls: type, document: dict[str, Any]) -> dict[str, Any]:
    """The fields `cls` knows: a notification from a newer monitor still reads (fields added later
    are dropped), so the Slack Lambda and the monitor can be deployed in either order."""
    names = {item.name for item in fields(cls)}
    return {key: value for key, value in document.items() if key in names}


def _hazard_from_json(item: dict[str, Any]) -> NotifiedHazard:
    return NotifiedHazard(**{**_known(NotifiedHazard, item),
                             "type": decode(HazardKind, item.get("type"), "a hazard's type")})


def _notified_from_json(item: dict[str, Any]) -> NotifiedFinding:
    return NotifiedFinding(**{**_known(NotifiedFinding, item),
                              "severity": decode(Severity, item.get("severity"), "a finding's severity"),
                              "change": decode(ChangeType, item.get("change"), "a finding's change"),
                              "cause": decode_optional(Cause, item.get("cause"), "a finding's cause")})


def is_migration_state(identity: str) -> bool:
    """The alert identity of "migrations not at head" (see `alerting_findings`), not a finding."""
    return identity.startswith("migrations|")


def describe_identity(identity: str) -> str:
    """A finding identity ("column|altered|public.t.c|type") as words ("altered column public.t.c (type)")."""
    kind, change, name, attribute = [*identity.split("|"), "", "", "", ""][:4]
    if kind == "migrations":
        return f"migrations {change} (head {attribute})"
    return f"{change} {kind} {name}" + (f" ({attribute})" if attribute else "")


def _notified(change: Change, new: set[str]) -> NotifiedFinding:
    return NotifiedFinding(severity=change.severity, kind=change.kind, change=change.change,
                           object=change.object, attribute=change.attribute, reason=change.reason, cause=change.cause,
                           migration=change.migration, new=change.identity in new)


def _top_findings(report: Report, new: set[str]) -> tuple[NotifiedFinding, ...]:
    """New findings first, then by severity; at most MAX_NOTIFIED_FINDINGS."""
    ordered = sorted(report.active_changes,
                     key=lambda change: (change.identity not in new, SEVERITY_RANK[change.severity]))
    return tuple(_notified(change, new) for change in ordered[:MAX_NOTIFIED_FINDINGS])


def _out_of_band(found: Situation, new: set[str]) -> tuple[NotifiedFinding, ...]:
    ordered = sorted(found.out_of_band, key=lambda change: SEVERITY_RANK[change.severity])
    return tuple(_notified(change, new) for change in ordered[:MAX_NOTIFIED_FINDINGS])


def notify_report(decision: Decision, report: Report, target: str, run_id: str, time: str,
                  report_key: str | None = None, report_url: str | None = None) -> Notification:
    """The notification of a successful run (drift, resolved or reminder)."""
    assert decision.alert is not None
    migrations = report.migrations
    new = set(decision.new)
    found = situation(report, target)
    return Notification(
        status=decision.alert, target=target, run_id=run_id, time=time, severity=report.highest_severity,
        live_revisions=migrations.live_revisions if migrations else (),
        head_revisions=migrations.head_revisions if migrations else (),
        migration_state=migrations.state if migrations else None,
        lag_days=migrations.lag_days if migrations else None,
        counts=report.counts_by_severity(), total_findings=len(report.active_changes),
        findings=_top_findings(report, new),
        pending=tuple(NotifiedMigration(step.revision, step.date, step.message, step.effects, len(step.hazards))
                      for step in found.pending),
        new=decision.new, cleared=decision.cleared, report_key=report_key, report_url=report_url,
        fingerprint=report.actual.fingerprint,
        situated=True, out_of_band=_out_of_band(found, new), out_of_band_total=len(found.out_of_band),
        hazards=tuple(NotifiedHazard(h.revision, h.type, h.object, h.message) for h in found.hazards),
    )


def notify_failure(error: PgDriftError, target: str, run_id: str, time: str) -> Notification:
    """The "monitor failed" notification: the reason and the remedy, never a secret."""
    return Notification(status=AlertStatus.FAILED, target=target, run_id=run_id, time=time,
                        reason=str(error.args[0]) if error.args else type(error).__name__,
                        remedy=error.remedy, error_category=error.category)
