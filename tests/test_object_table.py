"""Objects kept as canonical JSON values (`model.ObjectTable`): the values the reader and the
snapshot files give are exactly the model's own JSON form, so nothing is lost by not building
the objects, and comparing values agrees with comparing objects."""

from __future__ import annotations

import hashlib
import json

import pytest

from pgdrift.schema import model, snapshot_io
from pgdrift.schema.kinds import KINDS
from tests.support import TestServer
from tests.test_catalog import all_kinds


def _plain_types(value: object) -> bool:
    """JSON types only: lists, never tuples, so values equal what a snapshot file holds."""
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain_types(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_plain_types(item) for item in value)
    return value is None or isinstance(value, str | bool | int)


def test_values_read_from_the_catalog_are_the_models_canonical_form(server: TestServer) -> None:
    _, snapshot = all_kinds(server)
    for kind in KINDS:
        table = snapshot.of_kind(kind.name)
        assert isinstance(table, model.ObjectTable)
        for key, value in table.raw.items():
            assert value == model.to_json_value(model.from_json_value(kind.model, value)), (kind.name, key)
            assert _plain_types(value), (kind.name, key)
            assert kind.key(table[key]) == key == kind.row_key(value)


def test_values_loaded_from_a_file_are_the_same(server: TestServer) -> None:
    _, snapshot = all_kinds(server)
    loaded = snapshot_io.loads(snapshot_io.dumps(snapshot))
    for kind in KINDS:
        assert loaded.of_kind(kind.name).raw == snapshot.of_kind(kind.name).raw  # type: ignore[attr-defined]
    assert loaded == snapshot


def _reference_text(value: object) -> bytes:
    """The canonical text by the standard library alone (no orjson, no cached pieces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_text_put_together_from_each_kinds_cached_text_is_the_canonical_text(server: TestServer) -> None:
    _, snapshot = all_kinds(server)  # the reader cached each kind's text as its answer arrived
    loaded = snapshot_io.loads(snapshot_io.dumps(snapshot))  # nothing cached yet
    for subject in (snapshot, loaded):
        for include_volatile in (False, True):
            text = b"".join(subject.content_parts(include_volatile))
            assert text == _reference_text(subject.content(include_volatile))
        assert subject.fingerprint == "sha256:" + hashlib.sha256(_reference_text(subject.content())).hexdigest()
        document = snapshot_io.to_document(subject)
        assert snapshot_io.dumps_bytes(subject) == _reference_text(document) + b"\n"
    # Volatile fields are in the file's text and not in the fingerprint's, for kinds that have them.
    columns = snapshot.of_kind("column")
    assert isinstance(columns, model.ObjectTable)
    assert b'"position":' in columns.canonical_bytes(True)
    assert b'"position":' not in columns.canonical_bytes(False)
    indexes = snapshot.of_kind("index")
    assert isinstance(indexes, model.ObjectTable)
    assert indexes.canonical_bytes(True) is indexes.canonical_bytes(False)  # no volatile field: one text


def test_a_value_without_every_field_gets_the_models_defaults() -> None:
    value = model.canonical_value(model.Index, {"schema": "s", "table": "t", "name": "i", "definition": "d"})
    assert value == model.to_json_value(model.Index(schema="s", table="t", name="i", definition="d"))
    with pytest.raises(ValueError, match="unknown field"):
        model.canonical_value(model.Index, {"schema": "s", "table": "t", "name": "i", "definition": "d", "x": 1})


def _columns(**changes: object) -> model.ObjectTable:
    value = model.to_json_value(model.Column(schema="s", table="t", name="c", type="text")) | changes
    return model.ObjectTable(model.Column, {"s.t.c": value})


def test_equal_at_compares_values_then_objects() -> None:
    base = _columns()
    assert model.equal_at(base, _columns(), "s.t.c")
    assert not model.equal_at(base, _columns(type="integer"), "s.t.c")
    # A volatile field differs in the values but not in the objects: still equal.
    assert model.equal_at(base, _columns(position=7), "s.t.c")
    # Absent on one side, and against a plain mapping of objects.
    assert not model.equal_at(base, model.ObjectTable(model.Column, {}), "s.t.c")
    assert model.equal_at(base, {"s.t.c": model.Column(schema="s", table="t", name="c", type="text")}, "s.t.c")
    assert not model.equal_at(base, {"s.t.c": model.Column(schema="s", table="t", name="c", type="int")}, "s.t.c")


def test_objects_are_built_once_and_behave_as_a_read_only_mapping() -> None:
    table = _columns()
    assert table["s.t.c"] is table["s.t.c"]
    assert list(table) == ["s.t.c"] and len(table) == 1 and "s.t.c" in table and "x" not in table
    assert dict(table.items()) == {"s.t.c": model.Column(schema="s", table="t", name="c", type="text")}
    with pytest.raises(KeyError):
        table["missing"]
    assert "position" not in table.json_values(include_volatile=False)["s.t.c"]
    assert table.json_values(include_volatile=True)["s.t.c"]["position"] == 0
