"""Reading and writing snapshots in their canonical JSON form (plain or gzip).

The file holds `format_version`, `meta`, `objects` and the `fingerprint`. Loading checks the
format version and recomputes the fingerprint, so a truncated or edited file is reported as
corrupt instead of being diffed as if it were a schema.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from pgdrift.errors import PgDriftError, SnapshotFormatError, SnapshotVersionError
from pgdrift.schema import model
from pgdrift.schema.kinds import BY_NAME
from pgdrift.vocabulary import VersionTableStatus, decode


def to_document(snapshot: model.Snapshot, objects: bool = True) -> dict[str, Any]:
    """The snapshot file's JSON value (without its objects if `objects` is false)."""
    meta = model.to_json_value(snapshot.meta)
    meta["alembic"] = model.to_json_value(snapshot.meta.alembic)
    document = {
        "format_version": snapshot.format_version,
        "fingerprint": snapshot.fingerprint,
        "meta": meta,
    }
    if objects:
        document["objects"] = snapshot.content(include_volatile=True)
    return document


def dumps(snapshot: model.Snapshot) -> str:
    """Canonical JSON text of a snapshot: sorted keys, one line, newline-terminated."""
    return dumps_bytes(snapshot).decode("utf-8")


def dumps_bytes(snapshot: model.Snapshot) -> bytes:
    """`dumps` as UTF-8: the canonical text of `to_document(snapshot)`, newline-terminated.

    The objects are the document's last key in sorted order, so the text is the rest of the
    document with the snapshot's own canonical content (`Snapshot.content_parts`) spliced in
    before the closing brace, without serializing the 4 MB (at 1,000 tables) a second time.
    """
    # A snapshot holds no float (meta included), so the fast orjson path writes the same text.
    document = to_document(snapshot, objects=False)
    assert all(key < "objects" for key in document)  # what the splice relies on
    head = model.canonical_dumps_bytes(document, no_floats=True)
    return b"".join([head[:-1], b',"objects":', *snapshot.content_parts(include_volatile=True), b"}\n"])


def from_document(document: Any, source: str = "snapshot") -> model.Snapshot:
    if not isinstance(document, dict) or "objects" not in document or "meta" not in document:
        raise SnapshotFormatError(f"reading {source}: not a pgdrift snapshot (no objects/meta)")
    version = document.get("format_version")
    if version != model.FORMAT_VERSION:
        raise SnapshotVersionError(
            f"reading {source}: format_version {version!r} is not supported (this pgdrift reads "
            f"{model.FORMAT_VERSION})", "Re-take the snapshot with this version of pgdrift", version=version)
    try:
        meta_value = dict(document["meta"])
        alembic = dict(meta_value["alembic"])
        alembic["status"] = decode(VersionTableStatus, alembic.get("status"), "the alembic_version status")
        meta_value["alembic"] = model.from_json_value(model.AlembicState, alembic)
        meta = model.from_json_value(model.SnapshotMeta, meta_value)
        objects = {}
        for kind_name, values in document["objects"].items():
            kind = BY_NAME.get(kind_name)
            if kind is None:
                raise ValueError(f"unknown object kind {kind_name!r}")
            objects[kind_name] = model.ObjectTable.from_values(kind.model, values)
    except (KeyError, TypeError, ValueError, AttributeError, PgDriftError) as error:
        raise SnapshotFormatError(f"reading {source}: corrupt snapshot: {error}") from None
    snapshot = model.Snapshot(meta=meta, objects=objects)
    expected = document.get("fingerprint")
    if expected is not None and expected != snapshot.fingerprint:
        raise SnapshotFormatError(
            f"reading {source}: fingerprint mismatch (file says {expected}, content is {snapshot.fingerprint})",
            "The file was edited or truncated; re-take the snapshot")
    return snapshot


def decode_bytes(data: bytes, source: str) -> Any:
    """Bytes (gzip or plain) -> a JSON document, with clear errors for corrupt input."""
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return model.json_loads(data.decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SnapshotFormatError(f"reading {source}: not valid (gzip) JSON: {error}") from None


def loads(data: bytes | str, source: str = "snapshot") -> model.Snapshot:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return from_document(decode_bytes(raw, source), source)


def read_file(path: str | Path) -> model.Snapshot:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        what = "it is a folder" if path.is_dir() else error.strerror
        raise SnapshotFormatError(f"reading snapshot {path}: {what}",
                                  "Give the path of a snapshot file written by `pgdrift snapshot -o`") from None
    return loads(data, str(path))


def file_bytes(snapshot: model.Snapshot, path: str | Path) -> bytes:
    """The bytes of the snapshot's file at `path`: gzip when the name ends in .gz."""
    text = dumps_bytes(snapshot)
    return gzip.compress(text, mtime=0) if Path(path).suffix == ".gz" else text


def write_file(snapshot: model.Snapshot, path: str | Path) -> None:
    Path(path).write_bytes(file_bytes(snapshot, path))
