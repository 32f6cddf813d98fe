"""The S3 layout (pgdrift.monitor.layout) and the S3 store adapter (pgdrift.aws.s3) on moto.

Covers idempotent content-addressed writes and the alert-state compare-and-swap: two concurrent
runs race on the state, exactly one wins, the loser re-reads and does not alert again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from pgdrift.aws.s3 import S3Store
from pgdrift.errors import PgDriftError, SnapshotFormatError
from pgdrift.monitor.layout import (
    RunRecord,
    console_url,
    date_of_runs_key,
    latest_key,
    parse_run_record,
    report_key,
    run_record_key,
    snapshot_key,
    state_key,
)
from pgdrift.monitor.run import RunContext, commit_decision
from pgdrift.monitor.settings import Target, Tls
from pgdrift.notify.alerting import AlertState, Outcome

MOMENT = datetime(2026, 11, 24, 1, 2, 3, tzinfo=UTC)
DIGEST = "ab" * 32


def test_key_layout_is_content_addressed_and_hive_partitioned() -> None:
    assert snapshot_key(f"sha256:{DIGEST}") == f"snapshots/{DIGEST}.json.gz"
    assert run_record_key("prod", MOMENT, "req-1") == "runs/target=prod/date=2026-11-24/req-1.json"
    assert report_key("prod", MOMENT, "req-1", "html") == "reports/target=prod/date=2026-11-24/req-1.html"
    assert latest_key("prod") == "latest/prod.json"
    assert state_key("prod") == "state/prod.json"
    assert date_of_runs_key("runs/target=prod/date=2026-11-24/x.json") == "2026-11-24"
    assert console_url("b", "reports/x.html", "eu-west-1").endswith("b?region=eu-west-1&prefix=reports/x.html")


def test_bad_key_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="sha256"):
        snapshot_key("sha256:nothex")
    with pytest.raises(ValueError, match="extension"):
        report_key("prod", MOMENT, "r", "pdf")


def test_run_record_is_one_json_line_that_round_trips() -> None:
    record = RunRecord(time=MOMENT.isoformat(), target="prod", run_id="r1", status="drift",
                       fingerprint=f"sha256:{DIGEST}", counts={"critical": 1, "high": 0, "medium": 0, "low": 2},
                       findings=3, report_keys={"json": "reports/x.json"})
    line = record.to_line()
    assert line.endswith("\n") and line.count("\n") == 1
    assert parse_run_record(line, "k") == record
    with pytest.raises(SnapshotFormatError, match="run record k"):
        parse_run_record("[1, 2]", "k")


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Store]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket="drift")
        yield S3Store("drift", client)


def test_put_if_absent_writes_once(store: S3Store) -> None:
    assert store.put_if_absent("snapshots/x.json.gz", b"one") is True
    assert store.put_if_absent("snapshots/x.json.gz", b"two") is False
    assert store.get("snapshots/x.json.gz") == b"one"
    assert list(store.keys("snapshots/")) == ["snapshots/x.json.gz"]


def test_missing_object_is_a_clear_error(store: S3Store) -> None:
    with pytest.raises(PgDriftError, match=r"reading s3://drift/expected/prod.json: no such object"):
        store.get("expected/prod.json")


def test_state_compare_and_swap(store: S3Store) -> None:
    assert store.read_state("prod") == (None, None)
    created = store.write_state("prod", AlertState(status="clean"), None)
    assert created is not None
    assert store.write_state("prod", AlertState(status="drift"), None) is None  # exists already
    state, etag = store.read_state("prod")
    assert state == AlertState(status="clean") and etag == created
    assert store.write_state("prod", AlertState(status="drift"), etag) not in (None, etag)
    assert store.write_state("prod", AlertState(status="failed"), etag) is None  # stale etag
    assert store.read_state("prod")[0] == AlertState(status="drift")


class RacingStore(S3Store):
    """The real S3 store, but the first read of each writer waits until both have read."""

    def __init__(self, bucket: str, client: object, barrier: threading.Barrier) -> None:
        super().__init__(bucket, client)
        self.barrier = barrier
        self.reads = 0

    def read_state(self, target: str) -> tuple[AlertState | None, str | None]:
        found = super().read_state(target)
        self.reads += 1
        if self.reads == 1:
            self.barrier.wait(timeout=10)
        return found


def test_concurrent_runs_alert_once(store: S3Store) -> None:
    # Given two runs that both read the (empty) alert state before either writes it
    target = Target(name="prod", secret_arn="arn", expected_key="e", tls=Tls("disable", None))
    barrier = threading.Barrier(2)
    writers = [RacingStore("drift", store.client, barrier) for _ in range(2)]
    decisions = {}

    def run(index: int) -> None:
        context = RunContext(run_id=f"run-{index}", remaining_ms=lambda: 60_000, now=MOMENT)
        decisions[index] = commit_decision(writers[index], target, Outcome({"table|unexpected|public.t|": "low"}),
                                           context).decision

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    # When both commit their decision at the same time
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Then exactly one alerts; the loser re-read the state and stayed silent
    alerts = sorted(str(decision.alert) for decision in decisions.values())
    assert alerts == ["None", "drift"]
    assert sorted(writer.reads for writer in writers) == [1, 2]
    final, _ = store.read_state("prod")
    assert final is not None and final.findings == {"table|unexpected|public.t|": "low"}
