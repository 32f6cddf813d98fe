"""Where a side of a comparison comes from: a snapshot file, a live database or an S3 object.

    load_snapshot("expected.json.gz", read)            # a file written by `pgdrift snapshot` (gzip or plain)
    load_snapshot("postgresql://u@host/db", read)      # read live from pg_catalog
    load_snapshot("s3://bucket/key.json.gz", read)     # through boto3, imported only when needed

Corrupt input is a `SnapshotFormatError`; an unreachable source names itself and says what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pgdrift.catalog.connect import ConnectOptions, parse_dsn
from pgdrift.catalog.reader import ReadOptions, read_snapshot
from pgdrift.errors import ConfigError
from pgdrift.schema import model, snapshot_io

DSN_PREFIXES = ("postgresql://", "postgres://")


def is_dsn(spec: str) -> bool:
    return spec.startswith(DSN_PREFIXES)


def describe(spec: str) -> str:
    """How a source is named in reports and errors: DSNs lose their password."""
    return parse_dsn(spec).redacted() if is_dsn(spec) else spec


def load_snapshot(spec: str, read_options: ReadOptions = ReadOptions(), *,
                  connect: Callable[[str], ConnectOptions] = parse_dsn, s3_client: Any = None) -> model.Snapshot:
    """The snapshot named by `spec` (file path, DSN or s3:// URI)."""
    if not spec:
        raise ConfigError("reading a snapshot: empty source", "Pass a file, a postgresql:// DSN or an s3:// URI")
    if is_dsn(spec):
        options = connect(spec)
        snapshot = read_snapshot(options, read_options)
        return replace(snapshot, meta=replace(snapshot.meta, source=options.redacted()))
    if spec.startswith("s3://"):
        return snapshot_io.loads(read_s3(spec, s3_client), spec)
    return snapshot_io.read_file(spec)


def split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise ConfigError(f"reading {uri}: not an s3://bucket/key URI", "Write it as s3://bucket/path/to/file")
    return bucket, key


def read_s3(uri: str, client: Any = None) -> bytes:
    """The bytes of an S3 object, through the one S3 adapter (errors name the object)."""
    bucket, key = split_s3_uri(uri)
    try:
        from pgdrift.aws.s3 import S3Store  # lazily: the CLI works on files and DSNs without the AWS extras

        return S3Store(bucket, client).get(key)
    except ImportError:
        raise ConfigError(f"reading {uri}: boto3 is not installed",
                          "Install the AWS extras: pip install 'pgdrift[aws]'") from None
