"""Every catalog query ends in ORDER BY on its kind's key fields, or says why not (issue 14).

A static check of the `.sql` files: the reader sorts snapshots itself, and this keeps each
query's own answer deterministic at the source, so a new kind cannot arrive without it.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

from pgdrift.catalog.reader import load_sql
from pgdrift.schema import kinds as registry

# The queries that are not a kind's: the schemas to read (the reader keeps their order in
# the snapshot's meta.schemas), keyed by their name.
HELPER_QUERIES = {"namespaces.sql": ("name",)}

# A top-level ORDER BY is the file's last clause, at the start of a line (subqueries' are indented).
_FINAL_ORDER_BY = re.compile(r"^ORDER BY[ \t]+(?P<items>[^\n]+?)\s*\Z", re.MULTILINE)
# One item: a column alias, quoted where it is a keyword ("table"), cast where its type has no
# ordering (privileges' `object` is json).
_ITEM = re.compile(r'^"?(?P<name>[a-z_][a-z0-9_]*)"?(::text)?$')
# Or the last lines are a comment that starts "-- No ORDER BY:" and gives the reason.
_WHY_NOT = re.compile(r"^-- No ORDER BY: \S[^\n]*(\n--[^\n]*)*\s*\Z", re.MULTILINE)


def order_problem(text: str, key_fields: tuple[str, ...]) -> str | None:
    """Why `text` does not end in ORDER BY exactly `key_fields`, or None if it does (or says why not)."""
    if _WHY_NOT.search(text):
        return None
    match = _FINAL_ORDER_BY.search(text)
    if match is None:
        return "does not end in ORDER BY (nor in a '-- No ORDER BY: <reason>' comment)"
    if text.count("(", 0, match.start()) != text.count(")", 0, match.start()):
        return "its final ORDER BY is inside parentheses"
    names = []
    for item in match["items"].split(","):
        parsed = _ITEM.match(item.strip())
        if parsed is None:
            return f"ORDER BY item {item.strip()!r} is not a column alias"
        names.append(parsed["name"])
    if tuple(names) != key_fields:
        return f"ends in ORDER BY {', '.join(names)}; the kind's key fields are {', '.join(key_fields)}"
    return None


@pytest.mark.parametrize("kind", registry.KINDS, ids=lambda kind: kind.name)
def test_every_kind_query_ends_in_order_by_its_key_fields(kind: registry.Kind) -> None:
    assert order_problem(load_sql(kind.sql), kind.key_fields) is None, kind.sql


@pytest.mark.parametrize("file_name", sorted(HELPER_QUERIES))
def test_every_helper_query_ends_in_order_by(file_name: str) -> None:
    assert order_problem(load_sql(file_name), HELPER_QUERIES[file_name]) is None


def test_every_sql_file_is_a_kind_or_a_helper() -> None:
    # So that no file escapes the checks above.
    files = {path.name for path in resources.files("pgdrift.catalog").joinpath("sql").iterdir()
             if path.name.endswith(".sql")}
    assert files == {kind.sql for kind in registry.KINDS} | set(HELPER_QUERIES)


@pytest.mark.parametrize(("text", "problem"), [
    ("SELECT n.nspname AS schema, c.relname AS name\nFROM pg_class AS c\n", "does not end in ORDER BY"),
    ("SELECT a AS schema, b AS name\nORDER BY name, schema\n", "the kind's key fields are schema, name"),
    ("SELECT a AS schema, b AS name\nORDER BY schema\n", "the kind's key fields are schema, name"),
    ("SELECT array(SELECT x FROM y\nORDER BY schema, name)\nFROM z\n", "does not end in ORDER BY"),
    ("SELECT (SELECT 1\nORDER BY schema, name\n", "inside parentheses"),
    ("SELECT a AS schema, b AS name\nORDER BY n.nspname, name\n", "is not a column alias"),
    ("SELECT a AS schema\n-- No ORDER BY:\n", "does not end in ORDER BY"),
])
def test_a_query_without_its_order_by_is_reported(text: str, problem: str) -> None:
    assert problem in (order_problem(text, ("schema", "name")) or "")


@pytest.mark.parametrize("text", [
    'SELECT a AS schema, b AS "table", c AS name\nORDER BY schema, "table", name\n',
    "SELECT a AS schema, b AS name -- a fragment\n-- No ORDER BY: it is spliced into a UNION\n-- elsewhere.\n",
])
def test_a_query_with_its_order_by_or_a_reason_passes(text: str) -> None:
    key_fields = ("schema", "table", "name") if "table" in text else ("schema", "name")
    assert order_problem(text, key_fields) is None
