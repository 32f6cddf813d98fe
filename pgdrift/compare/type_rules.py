"""Column type rules, in one place: which type changes widen and which narrow.

Types are compared as the server prints them (`format_type`: `character varying(20)`,
`numeric(12,2)`, `timestamp with time zone`). Two questions are asked of a change:

- `widens(expected, actual)`: every value of `expected` fits in `actual` and clients read it the
  same way (severity grades a live column of a wider type medium, not critical);
- `narrows(old, new)`: converting `old` to `new` can truncate or reject existing values (a
  pending migration's destructive hazard).

A change can be neither (`integer` to `text`: nothing is lost, but clients read another type).
"""

from __future__ import annotations

import re

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
