"""Identity of catalog objects: the one place that builds qualified, quoted names.

Every key in a snapshot, every `object` in a change and every name in a report comes from
here, so the diff, storage and reports agree on what an object is called.
"""

from __future__ import annotations

import functools
import re
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


def matches_any(name: str, patterns: Iterable[str]) -> bool:
    """Shell-style pattern match (`awsdms_*`), case-sensitive like PostgreSQL identifiers."""
    from fnmatch import fnmatchcase

    return any(fnmatchcase(name, pattern) for pattern in patterns)
