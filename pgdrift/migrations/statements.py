"""What a migration's recorded SQL says about one object: does it create it IF NOT EXISTS, drop
it IF EXISTS? (issue 15)

A hazard such as "creates index X, but the database already has one: the migration will fail"
is false when the statement is `CREATE INDEX IF NOT EXISTS X`. The parse is minimal on purpose:
it finds the statements that create (or drop) an object of that name, as PostgreSQL spells them,
and asks whether every one of them carries the guard. Anything it does not recognise leaves the
hazard in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pgdrift.schema.identity import split_qualified

_NAME = r'(?:"(?:[^"]|"")*"|[^\W\d][\w$]*)'
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME})*"
_NAME_PART = re.compile(r'"((?:[^"]|"")*)"|([^\W\d][\w$]*)')

#: How PostgreSQL begins the statement that creates / drops an object of each kind.
_CREATE_PREFIX = {
    "table": r"CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE",
    "index": r"CREATE\s+(?:UNIQUE\s+)?INDEX(?:\s+CONCURRENTLY)?",
    "sequence": r"CREATE\s+(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?SEQUENCE",
    "view": r"CREATE\s+MATERIALIZED\s+VIEW",  # a plain view has OR REPLACE, never IF NOT EXISTS
    "schema": r"CREATE\s+SCHEMA",
    "extension": r"CREATE\s+EXTENSION",
    # CREATE TYPE and CREATE DOMAIN have no IF NOT EXISTS: an enum's hazard always stands.
}
_DROP_WORD = {
    "table": "TABLE", "index": "INDEX", "sequence": "SEQUENCE", "view": "(?:MATERIALIZED\\s+)?VIEW",
    "schema": "SCHEMA", "extension": "EXTENSION", "enum": "TYPE", "composite_type": "TYPE",
    "range_type": "TYPE", "domain": "DOMAIN",
}
#: Objects named inside a table, created or dropped by ALTER TABLE's actions.
_ALTER_TABLE = re.compile(rf"ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>{_QUALIFIED})(?P<actions>[^;]*)",
                          re.IGNORECASE)
_TABLE_ACTIONS = {
    ("create", "column"): re.compile(rf"\bADD\s+(?:COLUMN\s+)?(?P<guard>IF\s+NOT\s+EXISTS\s+)?(?P<name>{_NAME})",
                                     re.IGNORECASE),
    ("drop", "column"): re.compile(rf"\bDROP\s+(?:COLUMN\s+)?(?P<guard>IF\s+EXISTS\s+)?(?P<name>{_NAME})",
                                   re.IGNORECASE),
    ("drop", "constraint"): re.compile(rf"\bDROP\s+CONSTRAINT\s+(?P<guard>IF\s+EXISTS\s+)?(?P<name>{_NAME})",
                                       re.IGNORECASE),
}


@dataclass(frozen=True)
class _Found:
    """One statement that creates or drops the object, and whether it is guarded."""

    guarded: bool


def creates_if_not_exists(statements: Sequence[str] | None, kind: str, key: str, table: str | None) -> bool:
    """Every statement that creates `key` (or the table `table` it belongs to) says IF NOT EXISTS,
    and there is at least one. False when the statements are unknown (a format 1 ledger)."""
    return _all_guarded(_found(statements, "create", kind, key, table))


def drops_if_exists(statements: Sequence[str] | None, kind: str, key: str, table: str | None) -> bool:
    """Every statement that drops `key` (or the table `table` it belongs to) says IF EXISTS, and
    there is at least one. False when the statements are unknown."""
    return _all_guarded(_found(statements, "drop", kind, key, table))


def _all_guarded(found: list[_Found]) -> bool:
    return bool(found) and all(item.guarded for item in found)


def _found(statements: Sequence[str] | None, action: str, kind: str, key: str, table: str | None) -> list[_Found]:
    if not statements:
        return []
    found: list[_Found] = []
    for statement in statements:
        found.extend(_in_statement(statement, action, kind, split_qualified(key)))
        if table is not None and kind != "table":  # the table's own CREATE / DROP takes its parts along
            found.extend(_in_statement(statement, action, "table", split_qualified(table)))
    return found


def _in_statement(statement: str, action: str, kind: str, parts: list[str]) -> Iterator[_Found]:
    if (action, kind) in _TABLE_ACTIONS:
        yield from _in_table_actions(statement, _TABLE_ACTIONS[action, kind], parts)
        return
    pattern = _pattern(action, kind)
    if pattern is None:
        return
    for match in pattern.finditer(statement):
        if any(_same(_names(name.group(0)), parts) for name in re.finditer(_QUALIFIED, match["names"])):
            yield _Found(match["guard"] is not None)


def _pattern(action: str, kind: str) -> re.Pattern[str] | None:
    if action == "create" and kind in _CREATE_PREFIX:
        return re.compile(rf"\b{_CREATE_PREFIX[kind]}\s+(?P<guard>IF\s+NOT\s+EXISTS\s+)?(?P<names>{_QUALIFIED})",
                          re.IGNORECASE)
    if action == "drop" and kind in _DROP_WORD:
        return re.compile(rf"\bDROP\s+{_DROP_WORD[kind]}(?:\s+CONCURRENTLY)?\s+(?P<guard>IF\s+EXISTS\s+)?"
                          rf"(?P<names>{_QUALIFIED}(?:\s*,\s*{_QUALIFIED})*)", re.IGNORECASE)
    return None


def _in_table_actions(statement: str, action: re.Pattern[str], parts: list[str]) -> Iterator[_Found]:
    """ALTER TABLE t ADD COLUMN IF NOT EXISTS c, DROP CONSTRAINT IF EXISTS k, ...: `parts` is
    (schema, table, name)."""
    for alter in _ALTER_TABLE.finditer(statement):
        if not _same(_names(alter["table"]), parts[:-1]):
            continue
        for match in action.finditer(alter["actions"]):
            if _same(_names(match["name"]), parts[-1:]):
                yield _Found(match["guard"] is not None)


def _names(spelled: str) -> tuple[str, ...]:
    """A name as SQL spells it, split and unquoted; unquoted parts folded to lower case."""
    return tuple(match[1].replace('""', '"') if match[1] is not None else match[2].lower()
                 for match in _NAME_PART.finditer(spelled))


def _same(spelled: tuple[str, ...], parts: Sequence[str]) -> bool:
    """The spelled name is the object's: same last name, and same schema when it gives one (an
    unqualified name is taken to mean the object on the search path)."""
    if not spelled or not parts or len(spelled) > len(parts):
        return False
    return tuple(parts[-len(spelled):]) == spelled
