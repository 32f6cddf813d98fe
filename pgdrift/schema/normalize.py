"""Normalisation of what the catalog prints: the per-kind functions the registry's rows name.

Two sorts, both pure text work with no I/O, so that `pgdrift.schema.kinds` can import them:

- row normalisers (`normalize_*_row`): a catalog row as the reader builds its object, presentation
  details that differ between servers or formatting styles but not in meaning removed (each has
  a test in tests/test_normalize.py);
- compared forms (`*_body`): the form in which two values of one attribute compare, where the
  value repeats what the key already says (an index definition embeds its own name).

And the deparsers' output read back:

Reading what PostgreSQL's deparsers print: a partial index's predicate, and view definitions
printed by PostgreSQL 15 and older in the form 16 and later print them.

Up to PostgreSQL 15 a view's stored query kept two placeholder range-table entries (OLD and NEW),
so `pg_get_viewdef` always qualified columns with their relation's name:

    SELECT providers.id, providers.full_name FROM public.providers WHERE (providers.status = ...);

PostgreSQL 16 dropped the placeholders, and a query that reads a single relation (a table, a
subquery, a function) now prints its columns bare at its top level:

    SELECT id, full_name FROM public.providers WHERE (status = ...);

Nothing else changed, so the same view reads differently on a production server running 15 and
on a scratch server running 16 or 18. `unqualify` rewrites the first form into the second: when
the top-level query has exactly one FROM item and no set operation, it drops that item's name
(its alias, if it has one) from `name.column` references, outside literals and the FROM item
itself. Anything it does not recognise (joins, several FROM items, UNION, odd tokens) is left as
it is: at worst a view still reads as altered across the two versions, never the other way
round, since PostgreSQL 16 never prints a bare column inside a subquery.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from typing import Any

from pgdrift.errors import CatalogError
from pgdrift.schema.identity import function_key, qualify

# ---------------------------------------------------------------------------------------------
# Deparsed SQL

# Quoted literals and identifiers (doubled quotes inside), parentheses, and the WHERE keyword.
_INDEX_TOKENS = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|[()]| WHERE """)

# A literal, a quoted identifier, a parenthesis, a comma, an upper-case keyword or another word.
_TOKENS = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|[(),]|[A-Za-z_][A-Za-z0-9_$]*|\S""")
# The clauses that end a FROM list; the deparser prints keywords in upper case, and an
# upper-case identifier is always quoted, so a bare upper-case word is a keyword.
_AFTER_FROM = {"WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR"}
_SET_OPERATIONS = {"UNION", "INTERSECT", "EXCEPT"}
_IDENTIFIER = r'(?:"(?:[^"]|"")*"|[a-z_][a-z0-9_$]*)'
_FROM_ITEM = re.compile(
    rf"^(?:ONLY )?(?P<relation>{_IDENTIFIER}(?:\.{_IDENTIFIER})*)(?: (?P<alias>{_IDENTIFIER}))?$")
_CALL_OR_SUBQUERY = re.compile(rf"^(?:{_IDENTIFIER}(?:\.{_IDENTIFIER})*)?\(")
_ALIAS_AFTER_PARENTHESIS = re.compile(rf"^ (?P<alias>{_IDENTIFIER})(?:\(.*\))?$")


def depth_tokens(pattern: re.Pattern[str], text: str, start: int = 0) -> Iterator[tuple[re.Match[str], int]]:
    """The tokens of `pattern` in `text` with their parenthesis depth (a parenthesis counts at the
    depth outside it). Literals and quoted identifiers must be tokens of their own."""
    depth = 0
    for token in pattern.finditer(text, start):
        value = token.group()
        if value == ")":
            depth -= 1
        yield token, depth
        if value == "(":
            depth += 1


def index_predicate(definition: str) -> str:
    """The predicate of a partial index: what pg_get_indexdef prints after its top-level WHERE,
    which is what pg_get_expr(indpred, indrelid) prints (the same deparser, same flags)."""
    for token, depth in depth_tokens(_INDEX_TOKENS, definition):
        if token.group() == " WHERE " and depth == 0:
            return definition[token.end():]
    raise CatalogError(f"reading indexes: no WHERE clause in the partial index definition {definition!r}")


def unqualify(definition: str) -> str:
    """A pre-16 view definition (whitespace already collapsed) in the 16+ form; see the module."""
    top = _top_level(definition)
    if top is None:
        return definition
    from_start, from_end = top
    refname = _refname(definition[from_start:from_end].strip())
    if refname is None:
        return definition
    head = _drop_qualifier(definition[:from_start], refname)
    tail = _drop_qualifier(definition[from_end:], refname)
    return head + definition[from_start:from_end] + tail


def _top_level(definition: str) -> tuple[int, int] | None:
    """The span of the single top-level FROM list, or None when there is not exactly one, or the
    query is a set operation."""
    start, end, froms = None, None, 0
    for token, depth in depth_tokens(_TOKENS, definition):
        text = token.group()
        if depth == 0 and text in _SET_OPERATIONS:
            return None
        elif depth == 0 and text == "FROM":
            froms += 1
            start = token.end()
        elif depth == 0 and start is not None and end is None and (text in _AFTER_FROM or text == ";"):
            end = token.start()
    if froms != 1 or start is None:
        return None
    return start, end if end is not None else len(definition)


def _refname(item: str) -> str | None:
    """The name that qualifies columns of a single FROM item, as printed; None for a join, a list
    of items or anything not recognised."""
    for token, depth in depth_tokens(_TOKENS, item):
        if depth == 0 and token.group() in (",", "JOIN"):
            return None
    if _CALL_OR_SUBQUERY.match(item):
        closing = _matching_parenthesis(item, item.index("("))
        if closing is None:
            return None
        inner = item[item.index("(") + 1:closing].lstrip()
        if item.startswith("(") and not inner.startswith(("SELECT", "WITH", "VALUES")):
            return None  # a parenthesized join
        alias = _ALIAS_AFTER_PARENTHESIS.match(item[closing + 1:])
        return alias.group("alias") if alias else None
    match = _FROM_ITEM.match(item)
    if match is None:
        return None
    if match.group("alias"):
        return match.group("alias")
    return _split_last(match.group("relation"))


def _matching_parenthesis(text: str, opening: int) -> int | None:
    for token, depth in depth_tokens(_TOKENS, text, opening):
        if token.group() == ")" and depth == 0:
            return token.start()
    return None


def _split_last(qualified: str) -> str:
    """The last part of `schema.name` as printed (quoted or not)."""
    parts = re.findall(_IDENTIFIER, qualified)
    return parts[-1]


def _drop_qualifier(text: str, refname: str) -> str:
    """`refname.column` -> `column` outside literals, quoted identifiers and subqueries (where
    PostgreSQL 16 still qualifies, outer references included); `refname.*` stays."""
    out: list[str] = []
    position = 0
    prefix = refname + "."
    levels: list[bool] = []  # one per open parenthesis: does it hold a subquery?
    previous = ""
    for token in _TOKENS.finditer(text):
        start, value = token.start(), token.group()
        if value == "(":
            levels.append(False)
        elif value == ")" and levels:
            levels.pop()
        elif previous == "(" and value in ("SELECT", "WITH", "VALUES") and levels:
            levels[-1] = True
        previous = value
        if value != refname or any(levels):
            continue
        if not text.startswith(prefix, start) or text.startswith(prefix + "*", start):
            continue
        before = text[start - 1] if start else " "
        if before == "." or before.isalnum() or before in '_$"':
            continue
        out.append(text[position:start])
        position = start + len(prefix)
    out.append(text[position:])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Row normalisers

_WHITESPACE = re.compile(r"\s+")


def normalize_whitespace(text: str | None) -> str | None:
    """Collapse runs of whitespace and trim: view text is reformatted by the server anyway."""
    return None if text is None else _WHITESPACE.sub(" ", text).strip()


def body_hash(body: str | None) -> str:
    """Function bodies count by content, not by indentation or trailing blank lines."""
    normalized = "\n".join(line.rstrip() for line in (body or "").strip().splitlines())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


_CONSTRAINT_SUFFIXES = re.compile(r"( NOT VALID| NOT ENFORCED)+$")

#: Every privilege a grantee can hold on a table, per server generation (MAINTAIN is PG 17+).
_ALL_TABLE_PRIVILEGES = {"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"}
_ALL_PRIVILEGES = {
    "table": (_ALL_TABLE_PRIVILEGES, _ALL_TABLE_PRIVILEGES | {"MAINTAIN"}),
    "sequence": ({"SELECT", "UPDATE", "USAGE"},) * 2,
    "schema": ({"CREATE", "USAGE"},) * 2,
    "function": ({"EXECUTE"},) * 2,
    "column": ({"INSERT", "REFERENCES", "SELECT", "UPDATE"},) * 2,
}


def normalize_constraint_row(row: dict[str, Any]) -> dict[str, Any]:
    # `validated` and `enforced` are their own attributes; keeping the suffix in the definition
    # too would report one change twice. (The test first: the end-anchored pattern is tried at
    # every space of every definition, and few definitions have a suffix.)
    definition = row["definition"]
    if definition.endswith((" NOT VALID", " NOT ENFORCED")):
        row["definition"] = _CONSTRAINT_SUFFIXES.sub("", definition)
    return row


def normalize_index_row(row: dict[str, Any]) -> dict[str, Any]:
    row["predicate"] = index_predicate(row["definition"]) if row["predicate"] else None
    return row


def normalize_view_row(row: dict[str, Any]) -> dict[str, Any]:
    definition = normalize_whitespace(row["definition"])
    row["definition"] = unqualify(definition) if row.pop("qualified_columns") and definition else definition
    return row


def normalize_function_row(row: dict[str, Any]) -> dict[str, Any]:
    row["body_sha256"] = body_hash(row.pop("body"))
    return row


def _privilege_names(names: Sequence[str], object_type: str) -> list[str]:
    """"ALL" when the grantee holds every privilege, so GRANT ALL reads the same on PG 16 and 18."""
    held = set(names)
    fulls = _ALL_PRIVILEGES.get(object_type, ())
    if len(held) > 1 and any(held == full for full in fulls):
        return ["ALL"]
    return sorted(held)


def normalize_privilege_row(row: dict[str, Any]) -> dict[str, Any]:
    parts = row["object"]
    object_type = row["object_type"]
    row["object"] = function_key(*parts) if object_type == "function" else qualify(*parts)
    row["privileges"] = _privilege_names(row["privileges"], object_type)
    row["grantable"] = _privilege_names(row["grantable"], object_type) if row["grantable"] else []
    return row


# ---------------------------------------------------------------------------------------------
# Compared forms (the reported values stay as the server printed them)

_IDENT = r'(?:"(?:[^"]|"")*"|[^\s."(]+)'
_QUALIFIED = rf"{_IDENT}(?:\.{_IDENT})*"
_INDEX_PREFIX = re.compile(rf"^CREATE (?:UNIQUE )?INDEX {_IDENT} ON (?:ONLY )?{_QUALIFIED} ")
_TRIGGER_NAME = re.compile(rf"^CREATE (?:CONSTRAINT )?TRIGGER {_IDENT} ")
_TRIGGER_TABLE = re.compile(rf" ON {_QUALIFIED} ")
_DEFERRABLE = re.compile(r"( NOT)? DEFERRABLE( INITIALLY (DEFERRED|IMMEDIATE))?$")


def index_body(index: Any, definition: Any) -> Any:
    """`CREATE UNIQUE INDEX ix ON public.t USING btree (a) WHERE p` -> `(a)`: the name, table,
    uniqueness, method and predicate are attributes of their own."""
    if not isinstance(definition, str):
        return definition
    body = _INDEX_PREFIX.sub("", definition).removeprefix(f"USING {index.method} ")
    return body.removesuffix(f" WHERE {index.predicate}") if index.predicate else body


def trigger_body(trigger: Any, definition: Any) -> Any:
    """The trigger definition without its own name and its table's name."""
    if not isinstance(definition, str):
        return definition
    return _TRIGGER_TABLE.sub(" ON <table> ", _TRIGGER_NAME.sub("", definition), count=1)


def constraint_body(constraint: Any, definition: Any) -> Any:
    """Deferrability is an attribute of its own; the definition repeats it."""
    return _DEFERRABLE.sub("", definition) if isinstance(definition, str) else definition
