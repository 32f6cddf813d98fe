"""`pgdrift history`, `show` and `timeline` over an S3 history (moto) of real snapshots (PG 18)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from pgdrift.aws.s3 import S3Store
from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import read_snapshot
from pgdrift.cli import main
from pgdrift.migrations.check import check
from pgdrift.monitor.layout import RunRecord
from pgdrift.monitor.run import RunContext, store_reports, store_snapshot, write_record
from tests.conftest import _get_server
from tests.support import TestServer, execute

DAY1 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def _aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="module")
def recorded(_servers: dict[str, TestServer]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Three days of runs (built once): as expected, then a hand-added column, then an index too."""
    server = _get_server(_servers, "pg18")
    dsn = server.create_database("CREATE TABLE providers (id bigint PRIMARY KEY, npi text NOT NULL);"
                                 "CREATE TABLE other (id int)")
    expected = read_snapshot(parse_dsn(dsn))
    steps = [None, "ALTER TABLE providers ADD COLUMN nickname text",
             "CREATE INDEX providers_npi_idx ON providers (npi)"]
    keys: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as monkeypatch, mock_aws():
        _aws_env(monkeypatch)
        boto3.client("s3").create_bucket(Bucket="hist")
        store = S3Store("hist")
        for number, sql in enumerate(steps):
            if sql:
                execute(dsn, sql)
            live = read_snapshot(parse_dsn(dsn))
            report = check(live, expected)
            context = RunContext(run_id=f"run-{number}", remaining_ms=lambda: 60_000,
                                 now=DAY1 + timedelta(days=number))
            key, _ = store_snapshot(store, live)
            reports = store_reports(store, report, "prod", context)
            write_record(store, RunRecord(time=context.now.isoformat(), target="prod", run_id=context.run_id,
                                          status=report.status, fingerprint=live.fingerprint,
                                          counts=report.counts_by_severity(), findings=len(report.active_changes),
                                          snapshot_key=key, report_keys=reports))
            keys[f"report{number}"] = reports["json"]
            keys[f"snapshot{number}"] = key
        objects = {key: store.get(key) for key in store.keys("")}
    server.drop_database(parse_dsn(dsn).database)
    return objects, keys


@pytest.fixture
def history(recorded: tuple[dict[str, bytes], dict[str, str]],
            monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    objects, keys = recorded
    _aws_env(monkeypatch)
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket="hist")
        for key, body in objects.items():
            client.put_object(Bucket="hist", Key=key, Body=body)
        yield keys


def test_history_lists_runs_in_time_order(history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--bucket", "hist", "--target", "prod"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["TIME", "STATUS", "REVISION", "FINGERPRINT", "FINDINGS"]
    assert [line.split()[0] for line in lines[1:]] == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert lines[1].split()[2] == "clean" and lines[2].split()[2] == "drift"


def test_history_since_skips_older_partitions(history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--bucket", "hist", "--target", "prod", "--since", "2026-11-22",
                 "--format", "json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [record["run_id"] for record in records] == ["run-2"]


def test_history_of_an_unknown_target_is_an_error(history: dict[str, str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--bucket", "hist", "--target", "staging"]) == 2
    assert "no run records" in capsys.readouterr().err


def test_show_renders_a_stored_report_in_any_format(history: dict[str, str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    uri = f"s3://hist/{history['report1']}"
    assert main(["show", uri, "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "nickname" in markdown and markdown.lstrip().startswith("#")
    assert main(["show", uri.replace(".json", ".html"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "drift"
    assert main(["show", uri, "--format", "text"]) == 0
    assert "nickname" in capsys.readouterr().out


def test_show_renders_a_stored_markdown_or_html_report_as_text(history: dict[str, str],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # Given the markdown and HTML a run stored beside its JSON report
    for extension in ("md", "html"):
        uri = f"s3://hist/{history['report1']}".replace(".json", f".{extension}")
        # When it is shown as text, Then the text report comes from the JSON sibling
        assert main(["show", uri, "--format", "text"]) == 0
        assert "nickname" in capsys.readouterr().out


def test_show_of_a_lone_markdown_report_in_another_format_names_the_file(
        history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    # Given a markdown report without its JSON sibling
    boto3.client("s3").put_object(Bucket="hist", Key="reports/lone.md", Body=b"# Schema drift report\n")
    # When it is shown as text: exit 2, naming the file and what can be re-rendered
    assert main(["show", "s3://hist/reports/lone.md", "--format", "text"]) == 2
    error = capsys.readouterr().err
    assert "s3://hist/reports/lone.md" in error and "only JSON reports and snapshots can be re-rendered" in error
    # And without --format it prints as stored
    assert main(["show", "s3://hist/reports/lone.md"]) == 0
    assert capsys.readouterr().out.startswith("# Schema drift report")


def test_show_prints_a_stored_snapshot(history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", f"s3://hist/{history['snapshot1']}"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "public.providers.nickname" in document["objects"]["column"]


def test_show_refuses_what_is_not_an_s3_uri(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "s3://bucket-only"]) == 2
    assert "not an s3://bucket/key URI" in capsys.readouterr().err


def test_timeline_says_when_the_object_changed(history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "--bucket", "hist", "--target", "prod", "--object", "public.providers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in lines] == ["present", "changed", "changed"]
    assert lines[0].startswith("2026-11-20")
    assert "+column public.providers.nickname" in lines[1]
    assert "+index public.providers_npi_idx" in lines[2]


def test_timeline_of_an_unrelated_object_is_quiet(history: dict[str, str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "--bucket", "hist", "--target", "prod", "--object", "public.other"]) == 0
    assert [line.split()[2] for line in capsys.readouterr().out.splitlines()] == ["present"]


def test_timeline_says_when_an_object_appeared(history: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "--bucket", "hist", "--target", "prod", "--object", "public.providers_npi_idx"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("2026-11-22") and line.split()[2] == "appeared"


def _written_by_an_older_pgdrift(key: str) -> None:
    """Rewrite a stored snapshot as format 1, as the pgdrift before the upgrade wrote it."""
    client = boto3.client("s3")
    document = json.loads(gzip.decompress(client.get_object(Bucket="hist", Key=key)["Body"].read()))
    document["format_version"] = 1
    client.put_object(Bucket="hist", Key=key, Body=gzip.compress(json.dumps(document).encode()))


def test_history_written_before_an_upgrade_stays_readable(history: dict[str, str],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    # Given the first day's snapshot written by the pgdrift before the upgrade (format 1)
    _written_by_an_older_pgdrift(history["snapshot0"])
    # Then the timeline starts after it, and says what it left out
    assert main(["timeline", "--bucket", "hist", "--target", "prod", "--object", "public.providers"]) == 0
    captured = capsys.readouterr()
    assert [line.split()[2] for line in captured.out.splitlines()] == ["present", "changed"]
    assert "left out 1 snapshot(s) written in another format version" in captured.err
    # ...and `show` prints it as it is stored
    assert main(["show", f"s3://hist/{history['snapshot0']}"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["format_version"] == 1
    assert "has format_version 1 (this pgdrift writes 2): shown as stored, not checked" in captured.err
    # ...while comparing with it is still refused (it records less)
    assert main(["diff", f"s3://hist/{history['snapshot0']}", f"s3://hist/{history['snapshot1']}"]) == 2
    assert "format_version 1 is not supported (this pgdrift reads 2)" in capsys.readouterr().err
