"""The fast paths of the snapshot (issue 2 benchmark) give exactly what the plain ones give.

`model.canonical_dumps(..., no_floats=True)` feeds the snapshot fingerprint and
`catalog.parse_answer` reads every catalog answer; a byte of difference would change
fingerprints depending on whether orjson is installed. `model.from_json_value` sets slots
directly instead of calling the dataclass's __init__; the objects must be the same.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from pgdrift.catalog.reader import parse_answer
from pgdrift.schema import model
from pgdrift.schema.kinds import KINDS
from pgdrift.vocabulary import VersionTableStatus

MODELS = [kind.model for kind in KINDS] + [model.AlembicState]


def _sample_value(model_type: type) -> dict[str, object]:
    """A value for every field: tuples as JSON lists, so the conversion is exercised too."""
    value: dict[str, object] = {}
    for number, field in enumerate(dataclasses.fields(model_type)):
        kind = str(field.type)
        value[field.name] = (["x", f"y{number}"] if kind.startswith("tuple") else number if "int" in kind
                             else number % 2 == 0 if "bool" in kind else f"{field.name}-{number}")
    return value


@pytest.mark.parametrize("model_type", MODELS, ids=lambda model_type: model_type.__name__)
def test_from_json_value_builds_what_init_builds(model_type: type) -> None:
    value = _sample_value(model_type)
    built = model.from_json_value(model_type, value)
    expected = model_type(**{name: tuple(item) if isinstance(item, list) else item for name, item in value.items()})
    assert built == expected and repr(built) == repr(expected) and hash(built) == hash(expected)
    # and back to the same JSON value
    assert model.to_json_value(built) == value


@pytest.mark.parametrize("model_type", MODELS, ids=lambda model_type: model_type.__name__)
def test_from_json_value_fills_defaults_and_refuses_missing_fields(model_type: type) -> None:
    required = {field.name: value for field, value in zip(dataclasses.fields(model_type),
                                                          _sample_value(model_type).values(), strict=True)
                if field.default is dataclasses.MISSING}
    arguments = {name: tuple(item) if isinstance(item, list) else item for name, item in required.items()}
    assert model.from_json_value(model_type, required) == model_type(**arguments)
    with pytest.raises(TypeError):
        model.from_json_value(model_type, dict(list(required.items())[1:]))
    with pytest.raises(ValueError, match="unknown field"):
        model.from_json_value(model_type, {**required, "no_such_field": 1})

INT8_MIN, INT8_MAX = -(2**63), 2**63 - 1


orjson_installed = pytest.mark.skipif(model.orjson is None, reason="orjson is not installed")


def _every_character_below(limit: int) -> str:
    return "".join(chr(code) for code in range(limit) if not 0xD800 <= code <= 0xDFFF)


@pytest.mark.parametrize("start", range(0, 0x11000, 0x1000))
@orjson_installed
def test_fast_canonical_text_equals_json_for_every_character(start: int) -> None:
    # Given strings holding every code point of a block (control characters, quotes,
    # backslashes, U+2028, non-BMP), as keys and as values, in dicts, lists and tuples
    text = "".join(chr(code) for code in range(start, start + 0x1000) if not 0xD800 <= code <= 0xDFFF)
    value = {text: [text, (text[::-1], None)], "a" + text[:50]: {"z": True, "b": False}}
    # Then the fast path writes the very same text as json
    assert model.canonical_dumps(value, no_floats=True) == model.canonical_dumps(value)


@orjson_installed
def test_keys_sort_by_code_point_like_json() -> None:
    value = {"é": 1, "e": 2, "Z": 3, "😀": 4, "\uffff": 5, "": 6, "a b": {"b": [INT8_MIN, INT8_MAX]}}
    assert model.canonical_dumps(value, no_floats=True) == model.canonical_dumps(value)


@orjson_installed
def test_what_orjson_refuses_goes_through_json() -> None:
    # Integers beyond 64 bits: orjson refuses them, json writes them exactly
    assert model.canonical_dumps({"big": 2**70}, no_floats=True) == '{"big":1180591620717411303424}'
    # A dataclass is not JSON for json, so it is not for the fast path either
    with pytest.raises(TypeError):
        model.canonical_dumps({"schema": model.Schema(name="public")}, no_floats=True)


@orjson_installed
def test_parse_answer_equals_json_loads() -> None:
    answer = json.dumps([{"schema": "public", "name": _every_character_below(0x3000), "oid": 4294967295,
                          "start": INT8_MIN, "maximum": INT8_MAX, "labels": ["a", "b"], "comment": None,
                          "cycle": False}], ensure_ascii=False)
    assert parse_answer(answer) == json.loads(answer)
    assert type(parse_answer(answer)[0]["maximum"]) is int


def _small_snapshot() -> model.Snapshot:
    meta = model.SnapshotMeta(captured_at="2026-01-01T00:00:00Z", server_version="18.0", server_version_num=180000,
                              database="app", alembic=model.AlembicState(status=VersionTableStatus.ABSENT))
    objects: dict[str, dict[str, Any]] = {
        "table": {'public."Order"': model.Table(schema="public", name="Order", kind="table", persistence="permanent",
                                                 comment="héllo \u2028 \"quoted\"", row_estimate=12)},
        "column": {'public."Order".id': model.Column(schema="public", table="Order", name="id", type="bigint",
                                                      not_null=True, position=1)},
        "enum": {"public.mood": model.Enum(schema="public", name="mood", labels=("sad", "ok"))},
        "index": {},
    }
    return model.Snapshot(meta=meta, objects=objects)


def test_fingerprint_is_the_sha256_of_the_canonical_content() -> None:
    import hashlib

    snapshot = _small_snapshot()
    text = json.dumps(snapshot.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert snapshot.fingerprint == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

