"""The canonical form: deterministic, round-trips exactly, and refuses corrupt files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pgdrift.cli import main
from pgdrift.errors import SnapshotFormatError
from pgdrift.schema import model, snapshot_io
from pgdrift.vocabulary import VersionTableStatus
from tests.support import TestServer


def make_snapshot(comment: str | None = None, captured_at: str = "2026-02-02T20:30:00Z") -> model.Snapshot:
    meta = model.SnapshotMeta(captured_at=captured_at, server_version="18.4", server_version_num=180004,
                              database="app", alembic=model.AlembicState(status=VersionTableStatus.ABSENT))
    table = model.Table(schema="public", name="providers", kind="table", persistence="permanent",
                        comment=comment, row_estimate=12)
    column = model.Column(schema="public", table="providers", name="npi", type="text", not_null=True, position=2)
    return model.Snapshot(meta=meta, objects={"table": {"public.providers": table},
                                              "column": {"public.providers.npi": column}})


def test_canonical_text_is_sorted_compact_and_stable() -> None:
    text = snapshot_io.dumps(make_snapshot())
    document = json.loads(text)
    assert text == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    assert list(document) == ["fingerprint", "format_version", "meta", "objects"]
    assert document["format_version"] == model.FORMAT_VERSION
    assert snapshot_io.dumps(snapshot_io.loads(text)) == text


def test_fingerprint_covers_content_only() -> None:
    base = make_snapshot()
    assert base.fingerprint == make_snapshot(captured_at="2030-01-01T00:00:00Z").fingerprint
    assert base.fingerprint != make_snapshot(comment="changed").fingerprint
    assert base.fingerprint.startswith("sha256:") and len(base.fingerprint) == 7 + 64


def test_volatile_fields_are_stored_but_do_not_count() -> None:
    snapshot = make_snapshot()
    stored = json.loads(snapshot_io.dumps(snapshot))["objects"]["table"]["public.providers"]
    assert stored["row_estimate"] == 12
    assert "row_estimate" not in snapshot.content()["table"]["public.providers"]
    busier = model.Table(schema="public", name="providers", kind="table", persistence="permanent", row_estimate=99)
    assert busier == snapshot.of_kind("table")["public.providers"]


@pytest.mark.parametrize(("data", "fragment"), [
    (b"", "not valid (gzip) JSON"),
    (b"{\"objects\": {}", "not valid (gzip) JSON"),
    (b"\x1f\x8b\x08\x00broken", "not valid (gzip) JSON"),
    (b"[]", "not a pgdrift snapshot"),
    (b"{\"format_version\": 99, \"meta\": {}, \"objects\": {}}", "format_version 99 is not supported"),
])
def test_corrupt_input_is_refused(data: bytes, fragment: str) -> None:
    with pytest.raises(SnapshotFormatError, match=r"reading x\.json") as raised:
        snapshot_io.loads(data, "x.json")
    assert fragment in str(raised.value)


def test_edited_content_fails_the_fingerprint_check() -> None:
    document = json.loads(snapshot_io.dumps(make_snapshot()))
    document["objects"]["column"]["public.providers.npi"]["type"] = "bigint"
    with pytest.raises(SnapshotFormatError, match="fingerprint mismatch"):
        snapshot_io.loads(json.dumps(document), "edited.json")


def test_unknown_kind_or_field_is_refused() -> None:
    document = json.loads(snapshot_io.dumps(make_snapshot()))
    del document["fingerprint"]
    document["objects"]["gadget"] = {}
    with pytest.raises(SnapshotFormatError, match="unknown object kind 'gadget'"):
        snapshot_io.from_document(document, "odd.json")
    del document["objects"]["gadget"]
    document["objects"]["table"]["public.providers"]["colour"] = "red"
    with pytest.raises(SnapshotFormatError, match="unknown field"):
        snapshot_io.from_document(document, "odd.json")


def test_gzip_files_round_trip(tmp_path: Path) -> None:
    snapshot = make_snapshot()
    snapshot_io.write_file(snapshot, tmp_path / "s.json.gz")
    assert json.loads(gzip.decompress((tmp_path / "s.json.gz").read_bytes()))["fingerprint"] == snapshot.fingerprint
    assert snapshot_io.read_file(tmp_path / "s.json.gz") == snapshot


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotFormatError, match="No such file"):
        snapshot_io.read_file(tmp_path / "nope.json")


def test_cli_snapshot_writes_the_canonical_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                server: TestServer) -> None:
    dsn = server.create_database("CREATE TABLE t (id int PRIMARY KEY);")
    output = tmp_path / "snap.json.gz"
    assert main(["snapshot", dsn, "-o", str(output)]) == 0
    snapshot = snapshot_io.read_file(output)
    assert "public.t" in snapshot.of_kind("table")
    assert f"wrote {output}: {snapshot.fingerprint}" in capsys.readouterr().err
    assert main(["snapshot", dsn, "--schema", "public"]) == 0
    printed = snapshot_io.loads(capsys.readouterr().out)
    assert printed.fingerprint == snapshot.fingerprint


def test_a_schema_that_does_not_exist_is_an_error_naming_those_that_do(
        capsys: pytest.CaptureFixture[str], pg18: TestServer) -> None:
    dsn = pg18.create_database("CREATE SCHEMA app; CREATE TABLE app.t (id int);")
    # A typo must not read as an empty schema ("everything was dropped")
    assert main(["snapshot", dsn, "--schema", "public", "--schema", "aap"]) == 2
    error = capsys.readouterr().err
    assert "no schema named aap (the schemas there: app, public)" in error and "Check the --schema" in error
    assert main(["diff", dsn, dsn, "--schema", "aap"]) == 2


def test_cli_snapshot_reads_a_version_table_of_another_name(tmp_path: Path, server: TestServer,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    dsn = server.create_database("CREATE SCHEMA meta; CREATE TABLE meta.app_versions (version_num varchar(32)); "
                                 "INSERT INTO meta.app_versions VALUES ('c3');")
    output = tmp_path / "snap.json"
    assert main(["snapshot", dsn, "--version-table", "meta.app_versions", "-o", str(output)]) == 0
    assert snapshot_io.read_file(output).meta.alembic.revisions == ("c3",)
    with pytest.raises(SystemExit) as exit_info:
        main(["snapshot", dsn, "--version-table", 'meta."app versions"'])
    assert exit_info.value.code == 2
    assert "is not a table name or schema.name" in capsys.readouterr().err


@pytest.mark.parametrize(("output", "words"), [
    ("missing/snap.json", "the folder {tmp}/missing does not exist. Create it first"),
    ("missing/snap.json.gz", "the folder {tmp}/missing does not exist. Create it first"),
    ("", "it is a folder, not a file. Give -o the name of a file"),
    ("a-file/snap.json", "{tmp}/a-file is a file, not a folder"),
], ids=["missing-folder", "missing-folder-gz", "a-folder", "under-a-file"])
def test_cli_snapshot_to_an_output_it_cannot_write_exits_2(tmp_path: Path, pg16: TestServer, output: str,
                                                           words: str, capsys: pytest.CaptureFixture[str]) -> None:
    dsn = pg16.create_database("CREATE TABLE t (id int PRIMARY KEY);")
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    target = str(tmp_path / output) if output else str(tmp_path)
    assert main(["snapshot", dsn, "-o", target]) == 2
    [line] = capsys.readouterr().err.splitlines()  # one line, no traceback
    assert line.startswith(f"pgdrift: error: writing {target}: ") and words.format(tmp=tmp_path) in line
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file"]  # nothing written


def test_write_output_names_the_file_when_the_folder_goes_away(tmp_path: Path) -> None:
    # The early check passed, then the folder was removed before the write (a slow snapshot, say).
    from pgdrift.cli.common import write_output
    from pgdrift.errors import ConfigError

    with pytest.raises(ConfigError, match=r"writing .*/gone/r\.txt: the folder .*/gone does not exist"):
        write_output("report", str(tmp_path / "gone" / "r.txt"))


def test_cli_grant_sql(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grant-sql", "--database", "credentialmate", "--schema", "public", "--schema", "Audit"]) == 0
    sql = capsys.readouterr().out
    assert "CREATE ROLE pgdrift_monitor LOGIN" in sql
    assert "GRANT CONNECT ON DATABASE credentialmate TO pgdrift_monitor;" in sql
    assert 'GRANT USAGE ON SCHEMA "Audit" TO pgdrift_monitor;' in sql
    assert "GRANT SELECT ON TABLE public.alembic_version TO pgdrift_monitor;" in sql
    assert "PASSWORD '" not in sql.upper()  # never a password in the printed SQL
    with pytest.raises(SystemExit) as raised:
        main(["grant-sql"])  # --database is required
    assert raised.value.code == 2
    assert "--database" in capsys.readouterr().err
