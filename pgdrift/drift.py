"""The drift engine: two snapshots -> the findings people read (stub, being filled in)."""

from __future__ import annotations

from datetime import UTC, datetime

from pgdrift.diff import diff_snapshots
from pgdrift.model import Snapshot
from pgdrift.report import Change, MigrationStatus, Report, Side


def analyze(expected: Snapshot, actual: Snapshot, config: object | None = None) -> list[Change]:
    return diff_snapshots(expected, actual)


def make_report(expected: Snapshot, actual: Snapshot, changes: list[Change] | tuple[Change, ...], *,
                expected_source: str, actual_source: str, migrations: MigrationStatus | None = None,
                now: datetime | None = None) -> Report:
    moment = now or datetime.now(UTC)
    return Report(expected=Side(source=expected_source, fingerprint=expected.fingerprint),
                  actual=Side(source=actual_source, fingerprint=actual.fingerprint),
                  changes=tuple(changes), generated_at=moment.isoformat(), migrations=migrations)
