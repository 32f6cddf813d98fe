"""`pgdrift diff`: files (plain, gzip), live DSNs and s3:// URIs; exit 0 / 1 / 2 with clear errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import boto3
import jsonschema
import pytest
from moto import mock_aws

from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import read_snapshot
from pgdrift.cli import main
from pgdrift.schema import snapshot_io
from tests.drift_support import report_schema
from tests.support import TestServer

UNREACHABLE = "postgresql://app@127.0.0.1:1/app?sslmode=disable&connect_timeout=1"
BEFORE = "CREATE TABLE providers (id integer PRIMARY KEY, gender text, npi varchar(10));"
AFTER = "CREATE TABLE providers (id integer PRIMARY KEY, npi varchar(10));"


@pytest.fixture
def files(pg16: TestServer, tmp_path: Path) -> dict[str, str]:
    """Snapshot files of two schemas, plus the live DSN of the second."""
    before_dsn, after_dsn = pg16.create_database(BEFORE), pg16.create_database(AFTER)
    expected, actual = tmp_path / "expected.json.gz", tmp_path / "actual.json"
    snapshot_io.write_file(read_snapshot(parse_dsn(before_dsn)), expected)
    snapshot_io.write_file(read_snapshot(parse_dsn(after_dsn)), actual)
    return {"expected": str(expected), "actual": str(actual), "actual_dsn": after_dsn}


def test_drift_exits_1_and_no_drift_exits_0(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", files["expected"], files["actual"]]) == 1
    out = capsys.readouterr().out
    assert "column public.providers.gender is missing" in out and "\033[" not in out
    assert main(["diff", files["actual"], files["actual"]]) == 0
    assert "no drift" in capsys.readouterr().out


def test_a_live_dsn_is_a_side(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", files["actual"], files["actual_dsn"]]) == 0
    assert main(["diff", files["expected"], files["actual_dsn"], "--format", "markdown"]) == 1
    assert "## Executive Summary" in capsys.readouterr().out


def test_json_to_a_file_validates(files: dict[str, str], tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    assert main(["diff", files["expected"], files["actual"], "--format", "json", "-o", str(output)]) == 1
    document = json.loads(output.read_text(encoding="utf-8"))
    jsonschema.validate(document, report_schema())
    assert [(c["kind"], c["change"], c["object"]) for c in document["changes"]] == [
        ("column", "missing", "public.providers.gender")]
    assert document["expected"]["source"] == files["expected"]


def test_a_waiver_in_the_config_turns_drift_into_exit_0(files: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "drift.toml"
    config.write_text('[[waiver]]\npattern = "providers"\nreason = "r"\nowner = "@o"\nexpires = 2999-01-01\n',
                      encoding="utf-8")
    assert main(["diff", files["expected"], files["actual"], "--config", str(config)]) == 0


@pytest.mark.parametrize(("content", "words"), [
    (b"not json at all", "not valid (gzip) JSON"),
    (gzip.compress(b'{"format_version": 1}', mtime=0), "not a pgdrift snapshot"),
    (b'{"format_version": 99, "meta": {}, "objects": {}}', "format_version 99 is not supported"),
], ids=["not-json", "gzip-without-objects", "unknown-format-version"])
def test_a_corrupt_snapshot_exits_2_and_names_the_file(files: dict[str, str], tmp_path: Path, content: bytes,
                                                       words: str, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(content)
    assert main(["diff", str(broken), files["actual"]]) == 2
    error = capsys.readouterr().err
    assert str(broken) in error and words in error


def test_errors_exit_2_with_a_message(files: dict[str, str], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(tmp_path / "missing.json"), files["actual"]]) == 2
    assert "missing.json" in capsys.readouterr().err
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text('[[severity]]\npattern = "x"\nseverity = "urgent"\n', encoding="utf-8")
    assert main(["diff", files["expected"], files["actual"], "--config", str(bad_config)]) == 2
    assert "line 3" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["diff", files["expected"], files["actual"], "--format", "pdf"])
    assert exited.value.code == 2


@pytest.mark.parametrize("command", [
    ["diff", "expected.json", UNREACHABLE], ["check", UNREACHABLE, "--expected", "ledger.json.gz"],
    ["compare", UNREACHABLE, UNREACHABLE, "--expected", "ledger.json.gz"]], ids=["diff", "check", "compare"])
def test_an_output_that_cannot_be_written_exits_2_before_reading(command: list[str], tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # The databases are not reached: the output is checked first, so the message is about it.
    for output, words in [(tmp_path, "it is a folder, not a file"),
                          (tmp_path / "missing" / "report.txt", "does not exist. Create it first")]:
        assert main([*command, "-o", str(output)]) == 2
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith(f"pgdrift: error: writing {output}: ") and words in line


def test_a_folder_or_binary_file_as_a_snapshot_exits_2(files: dict[str, str], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(tmp_path), files["actual"]]) == 2
    assert f"reading snapshot {tmp_path}: it is a folder. Give the path of a snapshot file" in capsys.readouterr().err
    binary = tmp_path / "binary.dat"
    binary.write_bytes(bytes(range(256)) * 4)
    assert main(["diff", files["expected"], str(binary)]) == 2
    assert f"reading {binary}: not valid (gzip) JSON" in capsys.readouterr().err


def test_an_unreachable_dsn_exits_2_without_its_password(files: dict[str, str],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    dsn = "postgresql://app:hunter2-secret@127.0.0.1:1/app?sslmode=disable&connect_timeout=2"
    assert main(["diff", files["expected"], dsn, "--connect-timeout", "2"]) == 2
    error = capsys.readouterr().err
    assert "hunter2-secret" not in error and "127.0.0.1" in error


def test_an_s3_uri_is_a_side(files: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="drift")
        s3.put_object(Bucket="drift", Key="expected/latest.json.gz", Body=Path(files["expected"]).read_bytes())
        assert main(["diff", "s3://drift/expected/latest.json.gz", files["actual"]]) == 1
        assert main(["diff", "s3://drift/expected/nothing.json.gz", files["actual"]]) == 2
        assert "reading s3://drift/expected/nothing.json.gz: no such object" in capsys.readouterr().err
        assert main(["diff", "s3://drift", files["actual"]]) == 2
        assert "not an s3://bucket/key URI" in capsys.readouterr().err


def test_a_command_imports_only_its_own_module() -> None:
    import subprocess
    import sys

    probe = ("import sys\nfrom pgdrift.cli import main\n"
             "try:\n    main(['snapshot', '--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('pgdrift.migrations.ledger', 'pgdrift.cli.check_cmd', 'alembic', 'boto3', "
             "'sqlalchemy', 'pgdrift.cli.snapshot_cmd') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "--jobs" in result.stdout  # the snapshot command's own help
    assert result.stdout.strip().splitlines()[-1] == "['pgdrift.cli.snapshot_cmd']"


def test_every_command_is_listed_without_one(capsys: pytest.CaptureFixture[str]) -> None:
    from pgdrift.cli import COMMAND_MODULES, main

    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    listed = capsys.readouterr().out
    assert all(command in listed for command in COMMAND_MODULES)


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    from pgdrift.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["snapshot", "postgresql://u@h/db", "--jobs", jobs])
    assert exit_info.value.code == 2
    assert "is not a number of connections (1 or more)" in capsys.readouterr().err


def test_the_executable_flushes_its_output_and_exit_code_before_its_quick_exit(
        server: TestServer, tmp_path: Path) -> None:
    import subprocess
    import sys

    dsn = server.create_database("CREATE TABLE t (id int PRIMARY KEY);")
    command = [sys.executable, "-m", "pgdrift", "snapshot", dsn]
    to_stdout = subprocess.run(command, capture_output=True, check=False)
    assert to_stdout.returncode == 0
    assert "public.t" in snapshot_io.loads(to_stdout.stdout).of_kind("table")
    target = tmp_path / "s.json.gz"
    to_file = subprocess.run([*command, "-o", str(target)], capture_output=True, text=True, check=False)
    assert to_file.returncode == 0 and "wrote" in to_file.stderr + to_file.stdout
    assert snapshot_io.read_file(target).fingerprint == snapshot_io.loads(to_stdout.stdout).fingerprint
    refused = subprocess.run([sys.executable, "-m", "pgdrift", "snapshot", "postgresql://u:sekret@127.0.0.1:1/db"],
                             capture_output=True, text=True, check=False)
    assert refused.returncode == 2
    assert "pgdrift: error:" in refused.stderr and "sekret" not in refused.stderr
