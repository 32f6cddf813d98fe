"""Names shared by the CDK stack (`infra/`) and the Lambda handlers (`lambdas/`), declared once.

`infra/` and `lambdas/` never import each other; both import these constants, and
`tests/test_contract.py` checks that each side uses them.
"""

from __future__ import annotations

# Handler entry points, relative to the root of the Lambda asset (which holds `pgdrift/`,
# `lambdas/` and the third-party packages side by side).
MONITOR_HANDLER = "lambdas.monitor.handler.handler"
SLACK_HANDLER = "lambdas.slack_notifier.handler.handler"

# Environment variables of the monitor Lambda.
ENV_TARGETS = "PGDRIFT_TARGETS"  # JSON list of target settings (see pgdrift.monitor.settings)
ENV_BUCKET = "PGDRIFT_BUCKET"  # snapshot and report bucket name
ENV_TOPIC_ARN = "PGDRIFT_TOPIC_ARN"  # alert topic
ENV_REMINDER_HOURS = "PGDRIFT_REMINDER_HOURS"  # 0 = reminders off
ENV_CA_BUNDLE = "PGDRIFT_CA_BUNDLE"  # path of the CA bundle that verifies RDS TLS

# Environment variables of the Slack notifier Lambda.
ENV_SLACK_SECRET_ARN = "PGDRIFT_SLACK_SECRET_ARN"  # secret JSON {"webhook_url": "..."}

# Metrics namespace and service name (Powertools reads these variables itself).
METRICS_NAMESPACE = "pgdrift"
SERVICE_NAME = "pgdrift"
#: Emitted (1) by a run that could not use the alert state in S3, with the `service` dimension
#: only; the stack's alarm on it is what pages while S3 is unusable (issue 12).
METRIC_STATE_STORE_ERRORS = "StateStoreErrors"

# The schedules' constant input names its trigger, so a malformed on-demand event is answered,
# not paged, while a broken schedule still alerts (issue 12).
SCHEDULE_TRIGGER = "schedule"

# S3 layout (documented in docs/monitor.md, "S3 layout").
PREFIX_SNAPSHOTS = "snapshots/"  # snapshots/<sha256>.json.gz, content-addressed
PREFIX_RUNS = "runs/"  # runs/target=<t>/date=<YYYY-MM-DD>/<run_id>.json (JSON Lines, one record)
PREFIX_REPORTS = "reports/"  # reports/target=<t>/date=<YYYY-MM-DD>/<run_id>.{json,md,html}
PREFIX_LATEST = "latest/"  # latest/<target>.json
PREFIX_STATE = "state/"
# The run records and alert states that belong to no configured target: scheduled or on-demand
# events naming an unknown target, and settings that do not parse (issue 12). They are partitions
# like a target's, so Athena's projection must list them (issue 15).
UNKNOWN_TARGET = "_unknown"
SETTINGS_STATE = "_settings"
PSEUDO_TARGETS = (UNKNOWN_TARGET, SETTINGS_STATE)  # state/<target>.json, alert state (conditional writes)
PREFIX_EXPECTED = "expected/"  # expected/<target>/ledger.json.gz, uploaded by CI
