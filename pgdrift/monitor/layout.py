"""The S3 layout of the monitor, as pure key builders and the run record (no boto3 here).

    snapshots/<sha256>.json.gz                                 content-addressed snapshots
    runs/target=<t>/date=<YYYY-MM-DD>/<run_id>.json            one JSON line per run (Athena)
    reports/target=<t>/date=<YYYY-MM-DD>/<run_id>.{json,md,html}
    latest/<target>.json                                       the newest run record
    state/<target>.json                                        alert state (conditional writes)

Run ids are the Lambda request id, so a retried invocation rewrites the same keys (idempotent).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from pgdrift import contract
from pgdrift.errors import SnapshotFormatError

REPORT_EXTENSIONS = ("json", "md", "html")
RUN_STATUSES = ("clean", "drift", "failed", "snapshot", "rejected")


def _digest(fingerprint: str) -> str:
    digest = fingerprint.removeprefix("sha256:")
    if len(digest) != 64 or any(char not in "0123456789abcdef" for char in digest):
        raise ValueError(f"building a snapshot key: {fingerprint!r} is not a sha256 fingerprint")
    return digest


def snapshot_key(fingerprint: str) -> str:
    return f"{contract.PREFIX_SNAPSHOTS}{_digest(fingerprint)}.json.gz"


def day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def runs_prefix(target: str, date: str | None = None) -> str:
    prefix = f"{contract.PREFIX_RUNS}target={target}/"
    return f"{prefix}date={date}/" if date else prefix


def run_record_key(target: str, moment: datetime, run_id: str) -> str:
    return f"{runs_prefix(target, day(moment))}{run_id}.json"


def report_key(target: str, moment: datetime, run_id: str, extension: str) -> str:
    if extension not in REPORT_EXTENSIONS:
        raise ValueError(f"building a report key: unknown extension {extension!r}")
    return f"{contract.PREFIX_REPORTS}target={target}/date={day(moment)}/{run_id}.{extension}"


def latest_key(target: str) -> str:
    return f"{contract.PREFIX_LATEST}{target}.json"


def state_key(target: str) -> str:
    return f"{contract.PREFIX_STATE}{target}.json"


def date_of_runs_key(key: str) -> str | None:
    """The `date=` partition of a run record key (lets listings skip whole days)."""
    for part in key.split("/"):
        if part.startswith("date="):
            return part.removeprefix("date=")
    return None


def console_url(bucket: str, key: str, region: str | None = None) -> str:
    """The S3 console page of an object, for links in alerts."""
    region_part = f"region={region}&" if region else ""
    return f"https://s3.console.aws.amazon.com/s3/object/{bucket}?{region_part}prefix={key}"


@dataclass(frozen=True)
class RunRecord:
    """One monitor run: flat and small, so Athena reads it as one row."""

    time: str  # ISO 8601 UTC
    target: str
    run_id: str
    status: str  # one of RUN_STATUSES
    fingerprint: str | None = None
    revision: str | None = None  # live Alembic revision(s), comma-separated
    head: str | None = None  # head revision(s) of the expected artifact
    counts: dict[str, int] = field(default_factory=dict)  # active findings by severity
    findings: int = 0
    pending: int = 0
    lag_days: float | None = None
    duration_ms: int = 0
    snapshot_key: str | None = None
    report_keys: dict[str, str] = field(default_factory=dict)
    error_category: str | None = None
    error: str | None = None

    def to_line(self) -> str:
        """One JSON line (newline-terminated): the JSON Lines format Athena's JSON SerDe reads."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")) + "\n"


_RECORD_FIELDS = {record_field.name for record_field in fields(RunRecord)}


def parse_run_record(text: str | bytes, source: str) -> RunRecord:
    try:
        document: Any = json.loads(text)
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
        return RunRecord(**{name: value for name, value in document.items() if name in _RECORD_FIELDS})
    except (ValueError, TypeError) as error:
        raise SnapshotFormatError(f"reading run record {source}: {error}",
                                  "The object is not a pgdrift run record; check the key") from None
