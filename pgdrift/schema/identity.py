"""Identity of catalog objects: the one place that builds qualified, quoted names.

Every key in a snapshot, every `object` in a change and every name in a report comes from
here, so the diff, storage and reports agree on what an object is called.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# PostgreSQL's non-"unreserved" keywords (pg_get_keywords() where catcode <> 'U', PostgreSQL 18).
# quote_ident() quotes these, and so do we, so that our keys equal what the server prints.
_KEYWORDS = frozenset(
    """
    all analyse analyze and any array as asc asymmetric authorization between bigint binary bit
    boolean both case cast char character check coalesce collate collation column concurrently
    constraint create cross current_catalog current_date current_role current_schema
    current_time current_timestamp current_user dec decimal default deferrable desc distinct do
    else end except exists extract false fetch float for foreign freeze from full grant greatest
    group grouping having ilike in initially inner inout int integer intersect interval into is
    isnull join json json_array json_arrayagg json_exists json_object json_objectagg json_query
    json_scalar json_serialize json_table json_value lateral leading least left like limit
    localtime localtimestamp merge_action national natural nchar none normalize not notnull null
    nullif numeric offset on only or order out outer overlaps overlay placing position precision
    primary real references returning right row select session_user setof similar smallint some
    substring symmetric system_user table tablesample then time timestamp to trailing treat trim
    true union unique user using values varchar variadic verbose when where window with
    xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot
    xmlserialize xmltable
    """.split()  # noqa: SIM905 - one word per keyword reads better than a 164-item list
)

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")


@functools.lru_cache(maxsize=65536)  # a 5,000-table snapshot quotes the same names ~200,000 times
def quote_ident(name: str) -> str:
    """Quote an identifier exactly as PostgreSQL's quote_ident() does."""
    if _PLAIN.fullmatch(name) and name not in _KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualify(*parts: str) -> str:
    """Join name parts into a qualified name: `qualify("public", "User")` is `public."User"`."""
    return ".".join(map(quote_ident, parts))


def function_key(schema: str, name: str, arguments: str) -> str:
    """A routine is identified by its schema, name and identity argument types."""
    return f"{qualify(schema, name)}({arguments})"


def split_qualified(key: str) -> list[str]:
    """The inverse of `qualify` for keys without argument lists."""
    parts: list[str] = []
    for match in re.finditer(r'"((?:[^"]|"")*)"|([^."]+)', key):
        quoted, plain = match.groups()
        parts.append(quoted.replace('""', '"') if quoted is not None else plain)
    return parts


#: PostgreSQL truncates a longer name to NAMEDATALEN - 1 bytes, so it would name another object.
MAX_IDENTIFIER_BYTES = 63
# Control and format characters (a newline, a bidi override) and line separators: a name that
# holds one ends a comment early in SQL meant for an administrator, or reads as something else.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def identifier_problem(name: str) -> str | None:
    """Why `name` cannot be a PostgreSQL identifier taken as it is, or None if it can."""
    if not name:
        return "is empty"
    control = _control_character(name)
    if control:
        return control
    size = len(name.encode("utf-8"))
    if size > MAX_IDENTIFIER_BYTES:
        return (f"is {size} bytes long; PostgreSQL names are at most {MAX_IDENTIFIER_BYTES} bytes "
                "(it would cut the name short)")
    return None


def _control_character(text: str) -> str | None:
    bad = next((char for char in text if unicodedata.category(char) in _UNPRINTABLE_CATEGORIES), None)
    return None if bad is None else f"contains the control character U+{ord(bad):04X}"


# A name as SQL spells it: "quoted" (doubled quotes inside) or unquoted (a letter or _, then
# letters, digits, _ and $).
_SQL_NAME_PART = re.compile(r'"((?:[^"]|"")*)"|([^\W\d][\w$]*)')
_NOT_A_NAME = ('is not a table name or schema.name (put a name with capitals, spaces, dots or other '
               'characters in double quotes: "My App".alembic_version)')


def parse_qualified_name(text: str) -> tuple[str, ...]:
    """`NAME` or `SCHEMA.NAME` as SQL spells it, split into names: `"My.App".versions` is
    `("My.App", "versions")`. Unquoted names are folded to lower case as PostgreSQL folds them
    (ASCII letters only). Raises ValueError saying why the text is not such a name."""
    control = _control_character(text)
    if control:
        raise ValueError(control)
    parts: list[str] = []
    position = 0
    while True:
        match = _SQL_NAME_PART.match(text, position)
        if match is None:
            raise ValueError(_NOT_A_NAME)
        quoted, plain = match.groups()
        name = quoted.replace('""', '"') if quoted is not None else _fold_ascii(plain)
        problem = identifier_problem(name)
        if problem:
            raise ValueError(f"has a name that {problem}")
        parts.append(name)
        position = match.end()
        if position == len(text):
            return tuple(parts)
        if text[position] != ".":
            raise ValueError(_NOT_A_NAME)
        if len(parts) == 2:
            raise ValueError("has more than two names (SCHEMA.NAME at most)")
        position += 1


def _fold_ascii(name: str) -> str:
    return "".join(char.lower() if "A" <= char <= "Z" else char for char in name)


def matches_any(name: str, patterns: Iterable[str]) -> bool:
    """Shell-style pattern match (`awsdms_*`), case-sensitive like PostgreSQL identifiers."""
    from fnmatch import fnmatchcase

    return any(fnmatchcase(name, pattern) for pattern in patterns)
