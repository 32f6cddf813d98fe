"""The orjson fast paths (issue 2 benchmark) give exactly what json gives.

`model.canonical_dumps(..., no_floats=True)` feeds the snapshot fingerprint and
`catalog.parse_answer` reads every catalog answer; a byte of difference would change
fingerprints depending on whether orjson is installed.
"""

from __future__ import annotations

import json

import pytest

from pgdrift import model
from pgdrift.catalog import parse_answer

orjson = pytest.importorskip("orjson")

INT8_MIN, INT8_MAX = -(2**63), 2**63 - 1


def _every_character_below(limit: int) -> str:
    return "".join(chr(code) for code in range(limit) if not 0xD800 <= code <= 0xDFFF)


@pytest.mark.parametrize("start", range(0, 0x11000, 0x1000))
def test_fast_canonical_text_equals_json_for_every_character(start: int) -> None:
    # Given strings holding every code point of a block (control characters, quotes,
    # backslashes, U+2028, non-BMP), as keys and as values, in dicts, lists and tuples
    text = "".join(chr(code) for code in range(start, start + 0x1000) if not 0xD800 <= code <= 0xDFFF)
    value = {text: [text, (text[::-1], None)], "a" + text[:50]: {"z": True, "b": False}}
    # Then the fast path writes the very same text as json
    assert model.canonical_dumps(value, no_floats=True) == model.canonical_dumps(value)


def test_keys_sort_by_code_point_like_json() -> None:
    value = {"é": 1, "e": 2, "Z": 3, "😀": 4, "\uffff": 5, "": 6, "a b": {"b": [INT8_MIN, INT8_MAX]}}
    assert model.canonical_dumps(value, no_floats=True) == model.canonical_dumps(value)


def test_what_orjson_refuses_goes_through_json() -> None:
    # Integers beyond 64 bits: orjson refuses them, json writes them exactly
    assert model.canonical_dumps({"big": 2**70}, no_floats=True) == '{"big":1180591620717411303424}'
    # A dataclass is not JSON for json, so it is not for the fast path either
    with pytest.raises(TypeError):
        model.canonical_dumps({"schema": model.Schema(name="public")}, no_floats=True)


def test_parse_answer_equals_json_loads() -> None:
    answer = json.dumps([{"schema": "public", "name": _every_character_below(0x3000), "oid": 4294967295,
                          "start": INT8_MIN, "maximum": INT8_MAX, "labels": ["a", "b"], "comment": None,
                          "cycle": False}], ensure_ascii=False)
    assert parse_answer(answer) == json.loads(answer)
    assert type(parse_answer(answer)[0]["maximum"]) is int
