"""One monitor run, with the store, the publisher and the credentials injected (no boto3 here).

snapshot -> store it (content-addressed) -> check against the expected artifact -> store the
report (json, md, html), the run record and the latest pointer -> decide whether to alert
(compare-and-swap on the alert state) -> publish -> metrics -> the summary JSON.

Any failure becomes a "monitor failed" alert with the reason and the remedy, a failure run record
and an error summary: the Lambda never times out silently, because the connect and statement
timeouts are derived from the time the Lambda has left.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pgdrift import contract
from pgdrift.catalog.connect import ConnectOptions
from pgdrift.catalog.reader import (
    DEFAULT_EXCLUDE_OBJECTS,
    DEFAULT_EXCLUDE_SCHEMAS,
    ReadOptions,
    SnapshotReader,
)
from pgdrift.compare.config import DriftConfig
from pgdrift.compare.findings import Report
from pgdrift.errors import (
    ArtifactError,
    ConfigError,
    ConnectError,
    LockTimeout,
    MissingArtifact,
    PgDriftError,
    QueryTimeout,
    SnapshotFormatError,
    StateStoreError,
    TooManyConnections,
    bounded,
)
from pgdrift.migrations.check import check
from pgdrift.migrations.ledger import load_expected
from pgdrift.monitor.layout import RunRecord, console_url, latest_key, report_key, run_record_key, snapshot_key
from pgdrift.monitor.settings import AlertPolicy, DbCredentials, MonitorSettings, Target
from pgdrift.notify.alerting import (
    AlertState,
    Decision,
    Notification,
    Outcome,
    alerting_findings,
    decide,
    notify_failure,
    notify_report,
    pending_explanations,
)
from pgdrift.render import render
from pgdrift.render.json_report import dumps_report, report_to_json
from pgdrift.schema import snapshot_io
from pgdrift.schema.model import Snapshot

_log = logging.getLogger(__name__)

MODES = ("check", "snapshot")
#: Time kept back from the database for storing, alerting and returning (milliseconds).
RESERVE_MS = 5_000
MAX_CONNECT_TIMEOUT_S = 10.0
MIN_DATABASE_BUDGET_MS = 1_000
#: The least statement_timeout a run starts with: 0 would disable it (issue 12).
MIN_STATEMENT_TIMEOUT_MS = 500
STATE_WRITE_ATTEMPTS = 5
UNKNOWN_TARGET = contract.UNKNOWN_TARGET
#: The alert state of "the monitor's settings are broken" (no target can run).
SETTINGS_STATE = contract.SETTINGS_STATE
ALL_TARGETS = "(all targets)"
_CONTENT_TYPES = {"json": "application/json", "md": "text/markdown; charset=utf-8",
                  "html": "text/html; charset=utf-8"}


class Store(Protocol):
    bucket: str

    def put(self, key: str, body: bytes, content_type: str = ...) -> None: ...
    def put_if_absent(self, key: str, body: bytes, content_type: str = ...) -> bool: ...
    def get(self, key: str) -> bytes: ...
    def read_state(self, target: str) -> tuple[AlertState | None, str | None]: ...
    def write_state(self, target: str, state: AlertState, etag: str | None) -> str | None: ...


class Publisher(Protocol):
    def publish(self, notification: Notification) -> str: ...


@dataclass(frozen=True)
class RunRequest:
    target: str
    mode: str = "check"
    notify: bool = True
    scheduled: bool = False  # sent by the target's schedule, not by a person


class FetchCredentials(Protocol):
    """The secret of a target; `refresh` skips any cache (after an authentication failure)."""

    def __call__(self, target: Target, refresh: bool = False) -> DbCredentials: ...


@dataclass(frozen=True)
class RunContext:
    """Where and when: the run id (the Lambda request id, stable across retries) and the clock."""

    run_id: str
    remaining_ms: Callable[[], int]
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    region: str | None = None


@dataclass
class RunResult:
    ok: bool
    body: dict[str, Any]  # what the handler returns
    record: RunRecord
    alert: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Steps


def connect_options(credentials: DbCredentials, target: Target, remaining_ms: int) -> ConnectOptions:
    """Connection options whose timeouts fit in the time the Lambda has left."""
    budget = remaining_ms - RESERVE_MS
    connect_s = min(MAX_CONNECT_TIMEOUT_S, max(1.0, budget / 3000))
    statement_ms = int(budget - connect_s * 1000)
    if budget < MIN_DATABASE_BUDGET_MS or statement_ms < MIN_STATEMENT_TIMEOUT_MS:
        raise QueryTimeout(f"snapshotting target {target.name}: only {remaining_ms} ms left before the "
                           f"Lambda times out, {RESERVE_MS} ms of it kept for storing and alerting",
                           "Raise the function's timeout")
    socket_dir = credentials.host if credentials.host.startswith("/") else None
    return ConnectOptions(
        host=None if socket_dir else credentials.host, port=credentials.port, database=credentials.dbname,
        user=credentials.username, password=credentials.password, unix_socket_dir=socket_dir,
        sslmode=target.tls.sslmode, sslrootcert=target.tls.ca_bundle, connect_timeout=connect_s,
        statement_timeout_ms=statement_ms,
    )


def read_within(options: ConnectOptions, read: ReadOptions, budget_ms: int) -> Snapshot:
    """Read the snapshot, or fail with QueryTimeout once `budget_ms` (from now) have passed.

    statement_timeout bounds each catalog query, not their sum: a slow network or an overloaded
    server could still make twenty quick-enough queries outlast the Lambda. A timer bounds the
    sum: it cuts every connection of the read, so the blocked query returns at once.
    """
    started = time.monotonic()
    reader = SnapshotReader(options, read)
    expired = threading.Event()

    def abort() -> None:
        expired.set()
        reader.abort()

    watchdog = threading.Timer(max(0.0, budget_ms / 1000 - (time.monotonic() - started)), abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        return reader.read()
    except Exception:
        if expired.is_set():
            raise QueryTimeout(f"snapshotting database {options.database!r} at {options.where}: not done "
                               f"within {budget_ms / 1000:.1f} s, the time the Lambda had left",
                               "Check the database's load and the network path, or raise the function's "
                               "timeout") from None
        raise
    finally:
        watchdog.cancel()
        reader.close()


#: Pauses (seconds) before reading again when a DDL held a lock past lock_timeout, or when the
#: role's CONNECTION LIMIT was reached: a deploy's migration usually holds its locks for seconds,
#: and concurrent runs (an on-demand check during the scheduled one) free their connections in
#: seconds; a run that meets either should wait, not page anyone with "monitor failed".
LOCK_RETRY_PAUSES_S = (2.0, 5.0, 10.0, 20.0)
_WAITED_FOR = {LockTimeout: ("a DDL held a lock on the schema", "the lock was held each time"),
               TooManyConnections: ("the connection limit was reached", "the limit was reached each time")}


@dataclass
class Waits:
    """How many reads met a migration's lock or the connection limit and were tried again."""

    lock: int = 0
    connections: int = 0


def read_patiently(options: ConnectOptions, read: ReadOptions, context: RunContext,
                   waits: Waits | None = None) -> Snapshot:
    """`read_within`, read again after a pause each time a DDL's lock outlasted lock_timeout or the
    connection limit was met, while the Lambda has time for the pause and another read; then the
    error, saying how long it waited."""
    waits = waits if waits is not None else Waits()
    started, attempt = time.monotonic(), 0
    while True:
        try:
            return read_within(options, read, context.remaining_ms() - RESERVE_MS)
        except (LockTimeout, TooManyConnections) as error:
            what, each_time = _WAITED_FOR[type(error)]
            pause = LOCK_RETRY_PAUSES_S[attempt] if attempt < len(LOCK_RETRY_PAUSES_S) else None
            if pause is None or context.remaining_ms() - RESERVE_MS - pause * 1000 < (
                    MIN_DATABASE_BUDGET_MS + options.lock_timeout_ms):
                waited = time.monotonic() - started
                raise type(error)(f"{error.args[0]}; read {attempt + 1} time(s) over {waited:.0f} s, {each_time}",
                                  error.remedy) from None
            _log.warning("pgdrift: %s (%s); reading again in %.0f s", what, error, pause)
            time.sleep(pause)
            attempt += 1
            if isinstance(error, LockTimeout):
                waits.lock += 1
            else:
                waits.connections += 1


def read_live(target: Target, fetch_credentials: FetchCredentials, context: RunContext,
              waits: Waits) -> Snapshot:
    """Read the target's schema; when the database refuses the login or cannot be reached, fetch
    the secret once more past any cache (rotated, or the database moved, since it was cached) and
    read again if it changed (issue 12)."""
    credentials = fetch_credentials(target)
    try:
        return read_patiently(connect_options(credentials, target, context.remaining_ms()), read_options(target),
                              context, waits)
    except ConnectError as error:
        if isinstance(error, TooManyConnections):
            raise
        fresh = fetch_credentials(target, refresh=True)
        if fresh == credentials:
            raise
        _log.warning("pgdrift: %s for target %s with the cached secret, which has changed since (rotated?); "
                     "reading again with the new one", type(error).__name__, target.name)
    return read_patiently(connect_options(fresh, target, context.remaining_ms()), read_options(target),
                          context, waits)


def read_options(target: Target) -> ReadOptions:
    return ReadOptions(include_schemas=target.include_schemas, version_table=target.version_table,
                       exclude_schemas=DEFAULT_EXCLUDE_SCHEMAS + target.exclude_schemas,
                       exclude_objects=DEFAULT_EXCLUDE_OBJECTS)


_REUPLOAD = "Re-upload the expected artifact from CI (`pgdrift expected build`, then copy it to the expected_key)"


def compare(live: Snapshot, artifact: bytes, source: str, now: datetime | None = None,
            config: DriftConfig | None = None) -> Report:
    """Check the live snapshot against the expected artifact: a ledger or a plain snapshot."""
    try:
        return check(live, load_expected(artifact, source, remedy=_REUPLOAD), config, now)
    except SnapshotFormatError as error:
        if error.remedy:
            raise
        raise ArtifactError(str(error), _REUPLOAD) from None


def read_expected(store: Store, key: str, source: str) -> bytes:
    try:
        return store.get(key)
    except PgDriftError as error:
        if "no such object" not in str(error):
            raise
        raise MissingArtifact(f"reading the expected schema {source}: no such object",
                              "Upload the ledger from CI (`pgdrift expected build`, then copy it to the target's "
                              "expected_key), or fix expected_key") from None


def store_snapshot(store: Store, snapshot: Snapshot) -> tuple[str, bool]:
    """Content-addressed: an unchanged schema is not stored again. Returns (key, created)."""
    key = snapshot_key(snapshot.fingerprint)
    body = gzip.compress(snapshot_io.dumps_bytes(snapshot), mtime=0)
    return key, store.put_if_absent(key, body, "application/gzip")


def store_reports(store: Store, report: Report, target: str, context: RunContext,
                  document: dict[str, Any] | None = None) -> dict[str, str]:
    """Store the report as JSON, markdown and HTML; `document` is its JSON form if already built
    (each format is rendered once)."""
    keys = {}
    texts = {"json": lambda: dumps_report(report_to_json(report) if document is None else document),
             "md": lambda: render(report, "markdown", target=target),
             "html": lambda: render(report, "html", target=target)}
    for extension, text in texts.items():
        key = report_key(target, context.now, context.run_id, extension)
        store.put(key, text().encode("utf-8"), _CONTENT_TYPES[extension])
        keys[extension] = key
    return keys


@dataclass(frozen=True)
class Committed:
    """A decision stored as the alert state, with what it replaced (to undo a failed publish)."""

    decision: Decision
    previous: AlertState | None
    etag: str | None  # of the state this run wrote; None when it wrote nothing


def commit_decision(store: Store, target: Target, outcome: Outcome, context: RunContext) -> Committed:
    """Decide and store the target's alert state (see `commit_state`)."""
    return commit_state(store, target.name, target.alert, outcome, context)


def commit_state(store: Store, name: str, policy: AlertPolicy, outcome: Outcome, context: RunContext) -> Committed:
    """Decide and store the alert state `name` with compare-and-swap; a lost race re-reads and
    re-decides. StateStoreError when the state cannot be read or written at all."""
    for _ in range(STATE_WRITE_ATTEMPTS):
        try:
            previous, etag = store.read_state(name)
        except PgDriftError as error:
            raise StateStoreError(str(error.args[0]), error.remedy) from None
        decision = decide(previous, outcome, context.run_id, context.now, policy.reminder_hours,
                          policy.pending_grace_minutes / 60)
        if decision.state == previous:
            return Committed(decision, previous, None)
        try:
            written = store.write_state(name, decision.state, etag)
        except PgDriftError as error:
            raise StateStoreError(str(error.args[0]), error.remedy) from None
        if written is not None:
            return Committed(decision, previous, written)
    raise PgDriftError(f"updating the alert state of {name}: {STATE_WRITE_ATTEMPTS} "
                       "concurrent runs kept changing it", "Check for a runaway schedule invoking the monitor")


def publish_committed(store: Store, target: str, committed: Committed, publisher: Publisher,
                      notification: Notification) -> None:
    """Publish; if that fails, put the previous alert state back, so that Lambda's retry of this
    invocation (same run id) alerts instead of finding the alert already recorded."""
    try:
        publisher.publish(notification)
    except PgDriftError:
        if committed.etag is not None:
            with contextlib.suppress(PgDriftError):
                store.write_state(target, committed.previous or AlertState(status="clean"), committed.etag)
        raise


def write_record(store: Store, record: RunRecord) -> str:
    key = run_record_key(record.target, datetime.fromisoformat(record.time), record.run_id)
    line = record.to_line().encode("utf-8")
    store.put(key, line)
    store.put(latest_key(record.target), line)
    return key


# ---------------------------------------------------------------------------------------------
# The run


def _record(report: Report, target: str, context: RunContext, snapshot_key_: str, reports: dict[str, str],
            duration_ms: int) -> RunRecord:
    migrations = report.migrations
    return RunRecord(
        time=context.now.isoformat(), target=target, run_id=context.run_id, status=report.status,
        fingerprint=report.actual.fingerprint,
        revision=",".join(migrations.live_revisions) if migrations else None,
        head=",".join(migrations.head_revisions) if migrations else None,
        counts=report.counts_by_severity(), findings=len(report.active_changes),
        pending=len(migrations.pending) if migrations else 0,
        lag_days=migrations.lag_days if migrations else None, duration_ms=duration_ms,
        snapshot_key=snapshot_key_, report_keys=reports)


def _metrics(report: Report, snapshot_ms: int) -> dict[str, float]:
    metrics: dict[str, float] = {f"Findings{severity.title()}": count
                                 for severity, count in report.counts_by_severity().items()}
    migrations = report.migrations
    metrics["PendingMigrations"] = len(migrations.pending) if migrations else 0
    if migrations is not None and migrations.lag_days is not None:
        metrics["LagDays"] = migrations.lag_days
    metrics["SnapshotDurationMs"] = snapshot_ms
    metrics["Success"] = 1
    return metrics


def _snapshot_only(store: Store, snapshot: Snapshot, target: str, context: RunContext, key: str,
                   created: bool, duration_ms: int) -> RunResult:
    record = RunRecord(time=context.now.isoformat(), target=target, run_id=context.run_id, status="snapshot",
                       fingerprint=snapshot.fingerprint, revision=",".join(snapshot.meta.alembic.revisions) or None,
                       duration_ms=duration_ms, snapshot_key=key)
    record_key = write_record(store, record)
    body = {"status": "snapshot", "target": target, "fingerprint": snapshot.fingerprint,
            "s3": {"snapshot": key, "snapshot_created": created, "record": record_key}}
    return RunResult(ok=True, body=body, record=record, metrics={"SnapshotDurationMs": duration_ms, "Success": 1})


def run_check(request: RunRequest, settings: MonitorSettings, store: Store, publisher: Publisher | None,
              fetch_credentials: FetchCredentials, context: RunContext) -> RunResult:
    """The happy path; raises PgDriftError on any failure (see `run_monitor`)."""
    started = time.monotonic()
    target = settings.target(request.target)
    waits = Waits()
    live = read_live(target, fetch_credentials, context, waits)
    snapshot_ms = int((time.monotonic() - started) * 1000)
    key, created = store_snapshot(store, live)
    if request.mode == "snapshot":
        return _snapshot_only(store, live, target.name, context, key, created, snapshot_ms)
    if not target.expected_key:
        raise ConfigError(f"checking target {target.name}: no expected_key is configured",
                          "Set expected_key to the S3 key CI uploads the ledger to, or use mode 'snapshot'")
    source = f"s3://{store.bucket}/{target.expected_key}"
    report = compare(live, read_expected(store, target.expected_key, source), source, context.now,
                     target.drift_config)
    document = report_to_json(report)  # the JSON `pgdrift check --format json` prints
    reports = store_reports(store, report, target.name, context, document)
    record = _record(report, target.name, context, key, reports, int((time.monotonic() - started) * 1000))
    record_key = write_record(store, record)
    alert: str | None = None
    held: tuple[str, ...] = ()
    if request.notify:
        outcome = Outcome(alerting_findings(report, target.alert.min_severity), pending=pending_explanations(report))
        committed = commit_decision(store, target, outcome, context)
        held = committed.decision.held
        if held:
            _log.info("pgdrift: %d finding(s) of migrations pending for less than %g min held back: %s",
                      len(held), target.alert.pending_grace_minutes, ", ".join(held))
        alert = _publish_report(store, publisher, committed, report, target.name, context, reports["html"])
    body = document | {"s3": {"snapshot": key, "snapshot_created": created, "record": record_key,
                                         "reports": reports}, "alert": alert, "alert_held": list(held)}
    return RunResult(ok=True, body=body, record=record, alert=alert,
                     metrics=_metrics(report, snapshot_ms) | {"LockWaits": waits.lock,
                                                              "ConnectionLimitWaits": waits.connections})


def _publish_report(store: Store, publisher: Publisher | None, committed: Committed, report: Report,
                    target: str, context: RunContext, html_key: str) -> str | None:
    decision = committed.decision
    if decision.alert is None or publisher is None:
        return None
    notification = notify_report(decision, report, target, context.run_id, context.now.isoformat(), report_key=html_key,
                                 report_url=console_url(store.bucket, html_key, context.region))
    publish_committed(store, target, committed, publisher, notification)
    return decision.alert


@dataclass(frozen=True)
class FailureScope:
    """Whose failure it is: the alert state that deduplicates it, the policy, the name in the alert."""

    state: str
    policy: AlertPolicy
    label: str

    @classmethod
    def of(cls, target: Target | None, requested: str) -> FailureScope:
        if target is not None:
            return cls(target.name, target.alert, target.name)
        # A scheduled run of a target the settings lack: one state for all such runs, so a broken
        # deployment pages once, not once per run; the requested name is echoed bounded (issue 12).
        return cls(UNKNOWN_TARGET, AlertPolicy(), bounded(requested))


def report_failure(error: PgDriftError, target: Target | None, target_name: str, store: Store,
                   publisher: Publisher | None, context: RunContext, notify: bool = True,
                   duration_ms: int = 0) -> RunResult:
    """Record a failed run and send the "monitor failed" alert (unless already sent for this failure)."""
    return report_scoped_failure(error, FailureScope.of(target, target_name), store, publisher, context, notify,
                                 duration_ms)


def report_scoped_failure(error: PgDriftError, scope: FailureScope, store: Store, publisher: Publisher | None,
                          context: RunContext, notify: bool = True, duration_ms: int = 0) -> RunResult:
    """The failure is recorded, then alerted once per failure category (the alert state says
    whether it already was). When the state itself cannot be read or written (S3 down, the state
    prefix denied), nothing is published: every run would page. The run reports
    `StateStoreErrors`, and the stack's alarm on it pages once and sends OK on recovery; the
    alarm's state is where the alert state lives while S3 is unusable (issue 12)."""
    record = RunRecord(time=context.now.isoformat(), target=scope.state, run_id=context.run_id, status="failed",
                       duration_ms=duration_ms, error_category=error.category, error=str(error))
    record_key: str | None = None
    with contextlib.suppress(PgDriftError):  # the alert below still goes out
        record_key = write_record(store, record)
    alert, state_error = None, None
    if notify and publisher is not None:
        try:
            committed = commit_state(store, scope.state, scope.policy, Outcome(failure=error.category), context)
        except StateStoreError as unusable:
            state_error = unusable
            _log.error("pgdrift: the alert state cannot be used (%s); no alert is published, the StateStoreErrors "
                       "alarm pages instead", unusable)
        else:
            if committed.decision.alert is not None:
                notification = notify_failure(error, scope.label, context.run_id, context.now.isoformat())
                publish_committed(store, scope.state, committed, publisher, notification)
                alert = "failed"
    body = {"status": "failed", "target": scope.label, "error": {"category": error.category,
            "reason": str(error.args[0]) if error.args else "", "remedy": error.remedy},
            "s3": {"record": record_key}, "alert": alert}
    metrics: dict[str, float] = {"Success": 0}
    if state_error is not None or record_key is None:
        body["state_store_error"] = str(state_error or "the run record could not be written")
        metrics["StateStoreErrors"] = 1
    return RunResult(ok=False, body=body, record=record, alert=alert, metrics=metrics)


def reject_request(error: PgDriftError, requested: str, store: Store, context: RunContext) -> RunResult:
    """An on-demand invocation with a bad event: the caller is answered with the error, and no one
    is paged (the caller is there to read it). The run is recorded all the same."""
    record = RunRecord(time=context.now.isoformat(), target=UNKNOWN_TARGET, run_id=context.run_id, status="rejected",
                       error_category=error.category, error=str(error))
    record_key: str | None = None
    with contextlib.suppress(PgDriftError):
        record_key = write_record(store, record)
    body = {"status": "rejected", "target": bounded(requested), "error": {
        "category": error.category, "reason": str(error.args[0]) if error.args else "", "remedy": error.remedy},
        "s3": {"record": record_key}, "alert": None}
    return RunResult(ok=False, body=body, record=record, metrics={})


def _unexpected(error: Exception, request: RunRequest) -> PgDriftError:
    """A bug: logged with its traceback (frames only: the message may hold what the code was
    handed, so it is named by type), turned into a failure that says where to look."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    _log.error("pgdrift: unexpected %s while running target %s\n%sTraceback ends in %s",
               type(error).__name__, bounded(request.target), frames, type(error).__name__)
    return PgDriftError(f"running the monitor for target {bounded(request.target)}: unexpected "
                        f"{type(error).__name__}", "This is a pgdrift bug; the function's logs have the traceback "
                        "(search for 'unexpected'); please report it")


def run_monitor(request: RunRequest, settings: MonitorSettings, store: Store, publisher: Publisher | None,
                fetch_credentials: FetchCredentials, context: RunContext) -> RunResult:
    """One run; a failure of any kind returns a failed result (and alerts) instead of raising."""
    started = time.monotonic()
    target = settings.targets.get(request.target)
    if target is None:
        error = settings.unknown_target(request.target)
        if not request.scheduled:
            return reject_request(error, request.target, store, context)
        return report_failure(error, None, request.target, store, publisher, context, request.notify)
    try:
        return run_check(request, settings, store, publisher, fetch_credentials, context)
    except Exception as error:
        failure = error if isinstance(error, PgDriftError) else _unexpected(error, request)
        return report_failure(failure, target, request.target, store, publisher, context, request.notify,
                              int((time.monotonic() - started) * 1000))


def report_misconfigured(error: PgDriftError, store: Store | None, publisher: Publisher | None,
                         context: RunContext) -> RunResult:
    """The settings themselves are broken (no target can run): alert once, on the `_settings`
    state, until `resolve_misconfigured` sees them fixed."""
    scope = FailureScope(SETTINGS_STATE, AlertPolicy(), ALL_TARGETS)
    if store is None:  # not even a bucket: nowhere to keep state; the heartbeat alarms page
        _log.error("pgdrift: the monitor's settings are broken and name no usable bucket: %s", error)
        return RunResult(ok=False, body={"status": "failed", "target": ALL_TARGETS, "error": {
            "category": error.category, "reason": str(error.args[0]) if error.args else "", "remedy": error.remedy},
            "alert": None}, record=RunRecord(time=context.now.isoformat(), target=SETTINGS_STATE,
                                             run_id=context.run_id, status="failed", error=str(error)),
            metrics={"Success": 0})
    return report_scoped_failure(error, scope, store, publisher, context)


def resolve_misconfigured(store: Store, publisher: Publisher | None, context: RunContext) -> str | None:
    """Once the settings parse again: if the last alert said they were broken, say "resolved"."""
    if publisher is None:
        return None
    try:
        previous, _ = store.read_state(SETTINGS_STATE)
    except PgDriftError:
        return None  # the run itself will meet the store's fault and report it
    if previous is None or previous.status != "failed":
        return None
    committed = commit_state(store, SETTINGS_STATE, AlertPolicy(), Outcome(), context)
    if committed.decision.alert is None:
        return None
    notification = Notification(status=committed.decision.alert, target=ALL_TARGETS, run_id=context.run_id,
                                time=context.now.isoformat())
    publish_committed(store, SETTINGS_STATE, committed, publisher, notification)
    return committed.decision.alert
