"""Column type rules, in one place: which type changes widen and which narrow.

Types are compared as the server prints them (`format_type`: `character varying(20)`,
`numeric(12,2)`, `timestamp with time zone`). Two questions are asked of a change:

- `widens(expected, actual)`: every value of `expected` fits in `actual` and clients read it the
  same way (severity grades a live column of a wider type medium, not critical);
- `narrows(old, new)`: converting `old` to `new` can truncate or reject existing values (a
  pending migration's destructive hazard).

A change can be neither (`integer` to `text`: nothing is lost, but clients read another type).
`compatibility(expected, actual)` places a change in a small table, which grading reads:
widening, same family (`json` to `jsonb`), lossless cast (`integer` to `double precision`), or
lossy (`integer` to `text` included: queries comparing it with numbers fail).
"""

from __future__ import annotations

import re
from enum import StrEnum

_INTEGER_RANK = {"smallint": 1, "integer": 2, "bigint": 3}
_FLOAT_RANK = {"real": 1, "double precision": 2}
#: A type with a length (or precision and scale): family, length, scale.
_SIZED = re.compile(r"^(character varying|character|varchar|char|bit varying|bit|numeric)\((\d+)(?:,(\d+))?\)$")
#: Families whose sized types are read the same whatever the length; fixed-length bit strings
#: are not (a bit(3) value is rejected by a bit(5) column).
_WIDENING_FAMILIES = ("character varying", "character", "varchar", "char", "numeric", "bit varying")
#: Families whose values a shorter length truncates or rejects.
_LENGTH_FAMILIES = ("character varying", "character", "varchar", "char", "bit varying", "bit")
_UNBOUNDED_TEXT = ("text", "character varying")


def _sized(name: str) -> tuple[str, int, int] | None:
    match = _SIZED.match(name)
    return None if match is None else (match.group(1), int(match.group(2)), int(match.group(3) or 0))


def widens(expected: str, actual: str) -> bool:
    """True when every value of `expected` fits in `actual` and clients read it the same way."""
    if expected in _INTEGER_RANK and (actual == "numeric" or _INTEGER_RANK[expected] <= _INTEGER_RANK.get(actual, 0)):
        return True
    if expected == actual == "numeric":
        return True
    if actual == "text" and (expected.startswith(("character varying", "character(")) or expected == "text"):
        return True
    if expected.startswith("character varying") and actual == "character varying":
        return True
    old, new = _sized(expected), _sized(actual)
    if old and new and old[0] == new[0] and old[0] in _WIDENING_FAMILIES:
        return new[1] >= old[1] and new[2] >= old[2]
    return False


def narrows(old: str, new: str) -> bool:
    """True when converting `old` to `new` can truncate or reject existing values."""
    if old == new:
        return False
    for ranks in (_INTEGER_RANK, _FLOAT_RANK):
        if old in ranks and new in ranks:
            return ranks[new] < ranks[old]
    old_sized, new_sized = _sized(old), _sized(new)
    if new_sized and new_sized[0] in _LENGTH_FAMILIES:
        shorter = old_sized is not None and old_sized[0] in _LENGTH_FAMILIES and new_sized[1] < old_sized[1]
        return old in _UNBOUNDED_TEXT or shorter
    if new_sized and old_sized and new_sized[0] == old_sized[0] == "numeric":
        return new_sized[1] < old_sized[1] or new_sized[2] < old_sized[2]
    if old.startswith("timestamp") and new == "date":
        return True
    return bool(new_sized and new_sized[0] == "numeric" and old in ("numeric", "double precision", "real"))


class TypeCompatibility(StrEnum):
    """How a live column's type relates to the expected one, from harmless to breaking."""

    WIDENING = "widening"  # every value fits and clients read it the same way
    SAME_FAMILY = "same_family"  # the same kind of value, stored or compared a little differently
    LOSSLESS = "lossless"  # every value converts exactly, but clients read another type
    LOSSY = "lossy"  # values may not convert or change meaning, or queries no longer apply


#: Pairs of types (either way round) that hold the same kind of value: `jsonb` normalises
#: white space and duplicate keys, `timestamptz` reads a zone-less value in the session's zone.
_SAME_FAMILY = {frozenset(pair) for pair in (
    ("json", "jsonb"),
    ("timestamp without time zone", "timestamp with time zone"),
    ("time without time zone", "time with time zone"),
    ("text", "character varying"),
    ("real", "double precision"),
)}
#: Numbers every value of which another numeric type holds exactly, compared by the same
#: operators. A text form is not here: `integer` to `text` keeps every value, but a query that
#: compares the column with a number fails ("operator does not exist: text > integer").
_EXACT_NUMERIC = {"smallint": {"integer", "bigint", "numeric", "real", "double precision"},
                  "integer": {"bigint", "numeric", "double precision"},
                  "bigint": {"numeric"}}


def compatibility(expected: str, actual: str) -> TypeCompatibility:
    """Where the change from `expected` to `actual` falls in the compatibility table."""
    if expected == actual or widens(expected, actual):
        return TypeCompatibility.WIDENING
    if frozenset((expected, actual)) in _SAME_FAMILY and not narrows(expected, actual):
        return TypeCompatibility.SAME_FAMILY
    if actual in _EXACT_NUMERIC.get(expected, ()):
        return TypeCompatibility.LOSSLESS
    return TypeCompatibility.LOSSY
