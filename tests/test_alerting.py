"""The alert policy (pgdrift.notify.alerting): when to alert, what is new, idempotent retries, reminders."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pgdrift.compare.findings import Change, MigrationStatus, PendingMigration, Report, Side, Waiver
from pgdrift.errors import AuthenticationError, PgDriftError
from pgdrift.notify.alerting import (
    MAX_NOTIFIED_FINDINGS,
    AlertState,
    Notification,
    Outcome,
    alerting_findings,
    decide,
    notify_failure,
    notify_report,
    pending_explanations,
)
from pgdrift.vocabulary import AlertStatus, Cause, ChangeType, MigrationState, Severity

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
A = "column|altered|public.providers.npi|type"
B = "index|unexpected|public.providers_tmp_idx|"


def run(previous: AlertState | None, findings: dict[str, str] | None = None, failure: str | None = None,
        run_id: str = "r2", hours: float = 1, reminder: float = 0):
    return decide(previous, Outcome(findings or {}, failure), run_id, T0 + timedelta(hours=hours), reminder)


def first(findings: dict[str, str]) -> AlertState:
    return decide(None, Outcome(findings), "r1", T0).state


def test_first_clean_run_is_silent() -> None:
    decision = decide(None, Outcome({}), "r1", T0)
    assert decision.alert is None
    assert decision.state.status == "clean" and decision.state.last_run_id == "r1"


def test_first_drift_alerts_with_every_finding_new() -> None:
    decision = decide(None, Outcome({A: "high"}), "r1", T0)
    assert decision.alert == "drift"
    assert decision.new == (A,)
    assert decision.state.last_alert_at == T0.isoformat()


def test_unchanged_findings_do_not_alert_again() -> None:
    decision = run(first({A: "high"}), {A: "high"})
    assert decision.alert is None
    assert decision.state.last_run_id == "r2"


def test_retried_invocation_with_the_same_run_id_never_alerts_twice() -> None:
    previous = first({A: "high"})
    decision = decide(previous, Outcome({A: "high", B: "low"}), "r1", T0)
    assert decision.alert is None
    assert decision.state == previous


def test_a_new_finding_alerts_naming_only_the_new_one() -> None:
    decision = run(first({A: "high"}), {A: "high", B: "low"})
    assert decision.alert == "drift"
    assert decision.new == (B,)
    assert decision.cleared == ()


def test_a_changed_severity_is_new() -> None:
    decision = run(first({A: "medium"}), {A: "critical"})
    assert (decision.alert, decision.new) == ("drift", (A,))


def test_partial_clear_alerts_with_what_cleared() -> None:
    decision = run(first({A: "high", B: "low"}), {A: "high"})
    assert (decision.alert, decision.new, decision.cleared) == ("drift", (), (B,))


def test_clearing_all_drift_sends_resolved() -> None:
    decision = run(first({A: "high"}), {})
    assert (decision.alert, decision.cleared) == ("resolved", (A,))
    assert decision.state.status == "clean"


def test_reminders_are_off_by_default() -> None:
    assert run(first({A: "high"}), {A: "high"}, hours=1000).alert is None


def test_reminder_every_n_hours_while_drift_persists() -> None:
    previous = first({A: "high"})
    assert run(previous, {A: "high"}, hours=5, reminder=6).alert is None
    later = run(previous, {A: "high"}, hours=7, reminder=6)
    assert later.alert == "reminder"
    assert later.state.last_alert_at == (T0 + timedelta(hours=7)).isoformat()


def test_failure_alerts_once_per_category_and_keeps_the_known_findings() -> None:
    failed = run(first({A: "high"}), failure="connection")
    assert failed.alert == "failed"
    assert failed.state.findings == {A: "high"}
    assert run(failed.state, failure="connection", run_id="r3").alert is None
    assert run(failed.state, failure="authentication", run_id="r3").alert == "failed"


def test_recovery_from_failure_to_clean_is_resolved_and_to_drift_restates_it() -> None:
    failed = run(first({A: "high"}), failure="timeout").state
    assert run(failed, {}, run_id="r3").alert == "resolved"
    assert run(failed, {A: "high"}, run_id="r3").alert == "drift"


def _report(changes: tuple[Change, ...], migrations: MigrationStatus | None = None) -> Report:
    side = Side(source="s", fingerprint="sha256:" + "0" * 64)
    return Report(expected=side, actual=side, changes=changes, generated_at=T0.isoformat(), migrations=migrations)


def test_alerting_findings_respect_min_severity_waivers_and_migration_state() -> None:
    waived = Waiver(pattern="public.x", reason="known", owner="ops", expires="2099-01-01")
    changes = (Change(kind="table", change=ChangeType.UNEXPECTED, object="public.x", severity=Severity.HIGH,
                      waiver=waived),
               Change(kind="index", change=ChangeType.MISSING, object="public.i", severity=Severity.LOW),
               Change(kind="column", change=ChangeType.ALTERED, object="public.t.c", attribute="type",
                      severity=Severity.CRITICAL))
    behind = MigrationStatus(live_revisions=("a1",), head_revisions=("b2",), state=MigrationState.BEHIND)
    findings = alerting_findings(_report(changes, behind), "medium")
    assert findings == {"column|altered|public.t.c|type": "critical", "migrations|behind||b2": "medium"}
    assert alerting_findings(_report(changes), "low") == {"column|altered|public.t.c|type": "critical",
                                                          "index|missing|public.i|": "low"}


def test_notification_round_trips_and_caps_findings() -> None:
    changes = tuple(Change(kind="table", change=ChangeType.UNEXPECTED, object=f"public.t{number}",
                           severity=Severity.LOW)
                    for number in range(MAX_NOTIFIED_FINDINGS + 50))
    pending = PendingMigration(revision="b2", date="2026-10-01T00:00:00", message="add npi")
    migrations = MigrationStatus(live_revisions=("a1",), head_revisions=("b2",), state=MigrationState.BEHIND,
                                 lag_days=3.5,
                                 pending=(pending,))
    report = _report(changes, migrations)
    decision = decide(None, Outcome(alerting_findings(report)), "r1", T0)
    notification = notify_report(decision, report, "prod", "r1", T0.isoformat(), report_key="k")
    assert notification.total_findings == MAX_NOTIFIED_FINDINGS + 50
    assert len(notification.findings) == MAX_NOTIFIED_FINDINGS
    assert Notification.from_json(notification.to_json()) == notification
    assert notification.pending[0].date == "2026-10-01T00:00:00"


def test_failure_notification_carries_reason_remedy_and_category() -> None:
    error = AuthenticationError("connecting to database 'app': authentication failed", "Check the secret")
    notification = notify_failure(error, "prod", "r1", T0.isoformat())
    assert (notification.status, notification.error_category) == ("failed", "authentication")
    assert notification.remedy == "Check the secret"
    assert notification.severity_attribute == "critical"


def test_corrupt_state_and_notification_are_clear_errors() -> None:
    with pytest.raises(PgDriftError, match="alert state"):
        AlertState.from_json(b"{not json")
    with pytest.raises(PgDriftError, match="notification"):
        Notification.from_json('{"status": "drift"}')
    with pytest.raises(PgDriftError, match="the status: 'drifted' is not one of drift, resolved, failed, reminder"):
        Notification.from_json('{"status": "drifted", "target": "t", "run_id": "r", "time": "now"}')


def test_sns_message_stays_under_the_size_limit_whatever_the_findings() -> None:
    from dataclasses import replace

    from pgdrift.aws.sns import MAX_MESSAGE_BYTES, message_body
    from pgdrift.notify.alerting import NotifiedFinding

    huge = tuple(NotifiedFinding(severity=Severity.LOW, kind="table", change=ChangeType.UNEXPECTED,
                                 object=f"public.t{number}",
                                 reason="x" * 5000) for number in range(MAX_NOTIFIED_FINDINGS))
    notification = replace(notify_failure(PgDriftError("boom"), "prod", "r1", T0.isoformat()), status=AlertStatus.DRIFT,
                           findings=huge, total_findings=len(huge))
    body = message_body(notification)
    assert len(body.encode("utf-8")) <= MAX_MESSAGE_BYTES
    carried = Notification.from_json(json.loads(body)["lambda"])
    assert 0 < len(carried.findings) < len(huge) and carried.total_findings == len(huge)


def test_identities_read_as_words() -> None:
    from pgdrift.notify.alerting import describe_identity

    assert describe_identity(A) == "altered column public.providers.npi (type)"
    assert describe_identity(B) == "unexpected index public.providers_tmp_idx"
    assert describe_identity("migrations|behind||b2") == "migrations behind (head b2)"


# A deploy in progress: CI uploaded the ledger with migration r9, which adds table sessions; the
# database has not run it yet. P is the finding r9 explains, M "behind head", X out-of-band drift.
P = "table|missing|public.sessions|"
M = "migrations|behind||r9"
X = "index|unexpected|public.hand_made_idx|"
BEHIND = {P: "critical", M: "medium"}
EXPLAINED = {P: ("r9",), M: ("r9",)}
GRACE_HOURS = 1.0


def deploy_run(previous: AlertState | None, findings: dict[str, str], minutes: float,
               pending: dict[str, tuple[str, ...]] | None = None, run_id: str = "r2"):
    return decide(previous, Outcome(findings, pending=EXPLAINED if pending is None else pending), run_id,
                  T0 + timedelta(minutes=minutes), 0.0, GRACE_HOURS)


def test_a_migration_first_seen_pending_is_held_back_for_the_grace_period_then_alerts() -> None:
    clean = decide(None, Outcome({}), "r1", T0, 0.0, GRACE_HOURS).state
    # Five minutes after the merge: out-of-band drift alerts at once, the pending migration's
    # finding and "behind head" are held back
    held = deploy_run(clean, {**BEHIND, X: "medium"}, minutes=5)
    assert held.alert == "drift" and held.new == (X,)
    assert held.held == (M, P)
    assert held.state.findings == {X: "medium"}
    assert held.state.pending_since == {"r9": (T0 + timedelta(minutes=5)).isoformat()}
    # Forty minutes later, still pending: still held, nothing new
    later = deploy_run(held.state, {**BEHIND, X: "medium"}, minutes=45, run_id="r3")
    assert later.alert is None and later.held == (M, P)
    # Past the hour since it was first seen: it alerts, as new
    overdue = deploy_run(later.state, {**BEHIND, X: "medium"}, minutes=70, run_id="r4")
    assert overdue.alert == "drift" and overdue.new == (M, P) and overdue.held == ()


def test_a_migration_applied_within_the_grace_period_never_alerts() -> None:
    clean = decide(None, Outcome({}), "r1", T0, 0.0, GRACE_HOURS).state
    held = deploy_run(clean, BEHIND, minutes=5)
    assert held.alert is None and held.held == (M, P)
    applied = deploy_run(held.state, {}, minutes=12, pending={}, run_id="r3")
    assert applied.alert is None
    assert applied.state.pending_since == {} and applied.state.status == "clean"


def test_on_a_target_s_first_run_pending_migrations_alert_at_once() -> None:
    # Nobody knows how long they have been pending (the seed report: 16 days)
    decision = deploy_run(None, BEHIND, minutes=0, run_id="r1")
    assert decision.alert == "drift" and decision.new == (M, P) and decision.held == ()
    assert decision.state.pending_since == {"r9": None}
    # ...and they are never held later either
    assert deploy_run(decision.state, BEHIND, minutes=5).held == ()


def test_a_finding_already_alerted_is_never_held_back() -> None:
    # A state written before pending migrations were tracked already holds P: holding it now
    # would read as "resolved"
    before = AlertState(status="drift", findings=dict(BEHIND), last_run_id="r1")
    decision = deploy_run(before, BEHIND, minutes=5)
    assert decision.alert is None and decision.held == () and decision.state.findings == BEHIND


def test_without_a_grace_period_nothing_is_held() -> None:
    clean = decide(None, Outcome({}), "r1", T0).state
    decision = decide(clean, Outcome(BEHIND, pending=EXPLAINED), "r2", T0 + timedelta(minutes=5))
    assert decision.alert == "drift" and decision.held == ()


def test_a_state_file_from_before_pending_tracking_still_loads() -> None:
    stored = json.dumps({"status": "clean", "findings": {}, "last_run_id": "r1", "last_alert_at": None,
                         "last_alert_status": None, "failure": None})
    assert AlertState.from_json(stored).pending_since == {}


def test_pending_explanations_name_the_migrations_behind_each_alerting_identity() -> None:
    changes = (Change(kind="table", change=ChangeType.MISSING, object="public.sessions", severity=Severity.CRITICAL,
                      cause=Cause.PENDING_MIGRATION, migration="r9"),
               Change(kind="index", change=ChangeType.UNEXPECTED, object="public.hand_made_idx",
                      severity=Severity.MEDIUM, cause=Cause.OUT_OF_BAND))
    pending = (PendingMigration(revision="r8", date=None, message="a"), PendingMigration(revision="r9", date=None,
                                                                                          message="b"))
    behind = MigrationStatus(live_revisions=("r7",), head_revisions=("r9",), state=MigrationState.BEHIND,
                             pending=pending)
    report = _report(changes, behind)
    assert pending_explanations(report) == {"table|missing|public.sessions|": ("r9",),
                                            "migrations|behind||r9": ("r8", "r9")}
    # and every identity it names is one alerting_findings reports
    assert pending_explanations(report).keys() <= alerting_findings(report).keys()
    assert pending_explanations(_report(changes)) == {}


def test_slack_and_email_count_in_severity_order_and_say_the_migration_state_apart() -> None:
    from pgdrift.render.email import render_email
    from pgdrift.render.slack import render_slack

    # Given two findings and a database behind head, alerted for the first time
    changes = (Change(kind="table", change=ChangeType.MISSING, object="public.a", severity=Severity.CRITICAL),
               Change(kind="index", change=ChangeType.UNEXPECTED, object="public.i", severity=Severity.LOW))
    migrations = MigrationStatus(live_revisions=("a1",), head_revisions=("b2",), state=MigrationState.BEHIND,
                                 pending=(PendingMigration(revision="b2", date=None, message="add a"),))
    report = _report(changes, migrations)
    decision = decide(None, Outcome(alerting_findings(report)), "r1", T0)
    assert len(decision.new) == 3  # the two findings and the migration state
    # When the notification travels through SNS (JSON with sorted keys) and is rendered
    notification = Notification.from_json(notify_report(decision, report, "prod", "r1", T0.isoformat()).to_json())
    summary = render_slack(notification)["blocks"][1]["text"]["text"]
    # Then the counts read from critical to low, and "new" counts the findings only
    assert "critical: 1 · high: 0 · medium: 0 · low: 1" in summary
    assert "*Findings:* 2" in summary and "*New since the last alert:* 2 ·" in summary
    assert "*Migrations:* behind (1 pending)" in summary
    email = render_email(notification)
    assert "2 finding(s) (1 critical, 1 low)" in email and "New since the last alert: 2;" in email


def test_a_notification_reads_across_monitor_versions() -> None:
    from pgdrift.render.slack import render_slack

    # Given a notification as a monitor before issue 15 published it (no out-of-band, no hazards)
    finding = {"severity": "high", "kind": "index", "change": "unexpected", "object": "public.i"}
    old: dict[str, Any] = {"status": "drift", "target": "prod", "run_id": "r1", "time": T0.isoformat(),
                           "total_findings": 1, "findings": [finding],
                           "pending": [{"revision": "b2", "date": None, "message": "add a"}]}
    read = Notification.from_json(json.dumps(old))
    # Then it reads with the new fields empty and renders the old top findings
    assert (read.situated, read.out_of_band, read.hazards, read.pending[0].effects) == (False, (), (), "")
    assert "Top findings" in json.dumps(render_slack(read))
    # and a notification from a newer monitor, with fields this one does not know, still reads
    newer = {**old, "situated": True, "escalation": "page", "out_of_band_total": 1,
             "out_of_band": [{**finding, "owner": "@dp"}],
             "pending": [{"revision": "b2", "date": None, "message": "add a", "effects": "creates table a",
                          "risk": 3}],
             "hazards": [{"revision": "b2", "type": "destructive", "object": "public.t.c", "message": "drops c"}]}
    read = Notification.from_json(json.dumps(newer))
    assert read.out_of_band[0].object == "public.i" and read.hazards[0].type == "destructive"
    assert read.headline == "prod: 1 difference from the expected schema"  # no migration state: no ledger
