"""`make demo`: the motivating report of 2026-02-02, recreated and answered exactly.

On an embedded PostgreSQL 18 it:

1. builds the ledger of `examples/credentialmate/` (the Alembic project that recreates the
   timeline of the hand-made report);
2. creates "production" (upgraded to 20260115_0200_add_license_is_imlc_field, then changed by
   hand: the legacy `session` and `team_channels` tables, an index made out of band, and a
   hotfix that dropped two columns) and "dev" (at head);
3. runs `pgdrift check` on production and `pgdrift compare production dev`, prints both reports
   and the answers to the questions the hand-made report asked;
4. runs the monitor Lambda end to end against production (`demo.monitor`): moto in
   server mode for S3, SNS and Secrets Manager, a local sink for Slack; prints the stored report,
   the Slack and email messages, a second (silent) run and the S3 history.

`prepare_demo(workdir)` sets up the same databases for other callers (the monitor's demo and
tests) and returns a `DemoEnvironment`.
"""

from __future__ import annotations

import io
import sys
import tempfile
from collections.abc import Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from pgdrift.catalog.connect import connect_plain, parse_dsn
from pgdrift.compare.findings import Report
from pgdrift.migrations import ledger as ledger_module
from pgdrift.migrations.embedded import EmbeddedServer, start_embedded
from pgdrift.migrations.replay import SCRATCH_DATABASE, ScratchDatabase, create_database, load_config, replay
from pgdrift.vocabulary import Cause, ChangeType

EXAMPLE_INI = Path(__file__).resolve().parent.parent / "examples" / "credentialmate" / "alembic.ini"
PRODUCTION_REVISION = "20260115_0200_add_license_is_imlc_field"

#: What production's operators did by hand, outside any migration.
PRODUCTION_HAND_CHANGES = """
-- The pre-ORM session table, never dropped; the app moved to `sessions` long ago.
CREATE TABLE session (sid varchar(64) PRIMARY KEY, data bytea, expires timestamptz NOT NULL);
-- The first messaging prototype, created from a console; the Jan 8 migration adds `channels`.
CREATE TABLE team_channels (id bigserial PRIMARY KEY, organization_id bigint NOT NULL,
                            name varchar(120) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
-- A slow report, fixed in production by hand (the Jan 14 migration creates this name too).
CREATE INDEX ix_licenses_state_status ON licenses (state_code, status);
-- Hotfix after the portal PIN leak: the columns were dropped, the migration never reverted.
ALTER TABLE licenses DROP COLUMN portal_pin, DROP COLUMN renewal_notes;
"""

#: Rows, so that the live row estimates (used for destructive-operation hazards) mean something.
PRODUCTION_ROWS = """
INSERT INTO organizations (name, slug) VALUES ('Mercy Health', 'mercy');
INSERT INTO providers (organization_id, npi, first_name, last_name, credential_summary)
SELECT 1, lpad(n::text, 10, '0'), 'Provider', 'Number ' || n, 'MD; board certified'
FROM generate_series(1, 240) AS n;
INSERT INTO campaigns (organization_id, name, status)
SELECT 1, 'Renewal reminders for ' || n || ' licenses expiring in the next ninety days', 'active'
FROM generate_series(1, 30) AS n;
INSERT INTO session (sid, expires) SELECT md5(n::text), now() FROM generate_series(1, 50) AS n;
INSERT INTO team_channels (organization_id, name) VALUES (1, 'credentialing'), (1, 'billing');
ANALYZE;
"""


@dataclass
class DemoEnvironment:
    """The embedded server, the two databases and the ledger built from the example project."""

    server: EmbeddedServer
    production_dsn: str
    dev_dsn: str
    ledger_path: Path
    ledger: ledger_module.Ledger

    def stop(self) -> None:
        self.server.stop()


def _run_sql(server: EmbeddedServer, database: str, sql: str) -> None:
    connection = connect_plain(parse_dsn(server.dsn(database)))
    try:
        connection.run(sql)
    finally:
        connection.close()


def migrate(server: EmbeddedServer, database: str, revision: str, alembic_ini: Path = EXAMPLE_INI) -> None:
    """`alembic upgrade <revision>` on a new database of the embedded server."""
    from alembic import command

    create_database(server.dsn(), database)
    config = load_config(alembic_ini)
    config.set_main_option("sqlalchemy.url", server.sqlalchemy_url(database))
    command.upgrade(config, revision)


def prepare_demo(
    workdir: str | Path, server: EmbeddedServer | None = None, prefix: str = ""
) -> DemoEnvironment:
    """Build the example's ledger and create the "production" and "dev" databases.

    Without `server`, a new embedded PostgreSQL 18 is started (stop it with `.stop()`). On a shared
    server, `prefix` keeps the database names apart from other callers'.
    """
    server = server or start_embedded(18)
    scratch_name, production, dev = (f"{prefix}{name}" for name in (SCRATCH_DATABASE, "production", "dev"))
    create_database(server.dsn(), scratch_name)
    scratch = ScratchDatabase(server.dsn(scratch_name), server.sqlalchemy_url(scratch_name))
    built, _ = replay(EXAMPLE_INI, scratch)
    ledger_path = Path(workdir) / "credentialmate-ledger.json.gz"
    ledger_path.write_bytes(ledger_module.dumps(built))
    migrate(server, production, PRODUCTION_REVISION)
    _run_sql(server, production, PRODUCTION_HAND_CHANGES + PRODUCTION_ROWS)
    migrate(server, dev, "heads")
    return DemoEnvironment(
        server=server,
        production_dsn=server.dsn(production),
        dev_dsn=server.dsn(dev),
        ledger_path=ledger_path,
        ledger=built,
    )


def run_cli(arguments: Sequence[str]) -> tuple[int, str]:
    """Run a pgdrift command in-process and capture what it prints."""
    from pgdrift.cli import main

    captured = io.StringIO()
    with redirect_stdout(captured):
        code = main(list(arguments))
    return code, captured.getvalue()


def _tables(report: Report, change: str) -> list[str]:
    return sorted(c.object for c in report.changes if c.kind == "table" and c.change == change)


def answers(check_report: Report, compare_report: Report, environment: DemoEnvironment) -> str:
    """The hand-made report's questions, answered from the reports (its guesses in brackets)."""
    from pgdrift.catalog.reader import read_snapshot

    status = check_report.migrations
    assert status is not None
    production = read_snapshot(parse_dsn(environment.production_dsn))
    dev = read_snapshot(parse_dsn(environment.dev_dsn))
    pending = status.pending
    missing_tables = [
        c for c in compare_report.changes if c.kind == "table" and c.cause == Cause.PENDING_MIGRATION
    ]
    new_columns = [c for p in pending for c in p.changes if c.kind == "column" and c.change == ChangeType.MISSING]
    out_of_band = [c for c in check_report.changes if c.cause == Cause.OUT_OF_BAND]
    hazards = [h for p in pending for h in p.hazards]
    lines = [
        "What the hand-made report asked, answered exactly ([its guess] -> pgdrift):",
        f"  production revision: {', '.join(status.live_revisions)} ({status.live_date})",
        f"  head revision:       {', '.join(status.head_revisions)} ({status.head_date})",
        f"  lag: [~10 migrations, '16 days'] -> {status.lag_revisions} revisions along the graph, "
        f"{status.lag_days} days between the two revisions' dates",
        f"  pending migrations: [~16] -> {len(pending)}, in graph order "
        "(the Jan 8-14 ones are pending although production is at Jan 15: their branch merges at 20260127_0100)",
        f"  tables: [55 vs 65] -> production {production.counts().get('table', 0)}, "
        f"dev {dev.counts().get('table', 0)} (alembic_version included)",
        f"  tables the pending migrations create: [12] -> {len(missing_tables)}",
        f"  columns the pending migrations add to existing tables: [22+] -> {len(new_columns)}",
        "  legacy tables: [session 'likely renamed to sessions', team_channels 'replaced by channels'] -> "
        + "; ".join(
            f"{c.object} is out of band, {c.migration or 'no migration made it'}, "
            f"{production.of_kind('table')[c.object].row_estimate} rows"
            for c in out_of_band
            if c.kind == "table" and c.change == ChangeType.UNEXPECTED
        ),
        f"  out-of-band findings in production: {len(out_of_band)} "
        "(the license portal columns are not pending: 20260115_0100 is applied; they were dropped by hand)",
        f'  migration safety: ["review all 16 for destructive operations"] -> {len(hazards)} hazard(s):',
        *[f"    - {h.revision}: {h.message}" for h in hazards],
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="pgdrift-demo-") as workdir:
        print(
            "Building the ledger of examples/credentialmate and the production/dev databases...", flush=True
        )
        environment = prepare_demo(workdir)
        try:
            ledger = str(environment.ledger_path)
            check_code, check_text = run_cli(["check", environment.production_dsn, "--expected", ledger])
            print(
                f"\n$ pgdrift check production --expected {environment.ledger_path.name}   (exit {check_code})\n"
            )
            print(check_text)
            compare_code, compare_text = run_cli(
                [
                    "compare",
                    environment.production_dsn,
                    environment.dev_dsn,
                    "--expected",
                    ledger,
                    "--label-a",
                    "production",
                    "--label-b",
                    "dev",
                ]
            )
            print(
                f"\n$ pgdrift compare production dev --expected {environment.ledger_path.name}   "
                f"(exit {compare_code})\n"
            )
            print(compare_text)
            print(answers(*_reports(environment), environment))
            print("\n=== The serverless monitor, end to end (moto for S3/SNS/Secrets Manager, a local "
                  "Slack sink) ===", flush=True)
            from demo.monitor import run_monitor_demo

            monitor_code = run_monitor_demo(environment.production_dsn, environment.ledger_path.read_bytes())
        finally:
            environment.stop()
    return monitor_code


def _reports(environment: DemoEnvironment) -> tuple[Report, Report]:
    from pgdrift.catalog.reader import read_snapshot
    from pgdrift.migrations.check import check, compare

    production = read_snapshot(parse_dsn(environment.production_dsn))
    dev = read_snapshot(parse_dsn(environment.dev_dsn))
    return (
        check(production, environment.ledger),
        compare(production, dev, environment.ledger, labels=("production", "dev")),
    )


if __name__ == "__main__":
    sys.exit(main())
