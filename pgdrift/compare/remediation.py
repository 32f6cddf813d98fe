"""Remediation of out-of-band findings (issue 15): SQL that restores the expected state, and the
Alembic operation that would instead adopt the live state into the repository.

Pure functions over a report's `Change`s. A finding's `expected`/`actual` hold the whole object's
JSON value (missing, unexpected), one attribute's values (altered) or the two keys (renamed); the
SQL is built from the expected side, so it exists only where the ledger has the definition (an
index's, a constraint's, a column's type, default and nullability, enum labels, grants,
comments). Statements that lose data or drop what someone made by hand (DROP, a narrowing type
change) are written commented out with a WARNING: the script is for review, never to run blind.
What has no automatic remediation (a missing table or view, a function's body, a sequence's or a
domain's attributes, ...) is said so by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pgdrift.compare.findings import Change, Report
from pgdrift.compare.type_rules import widens
from pgdrift.schema.identity import qualify, quote_ident, split_qualified
from pgdrift.schema.kinds import BY_NAME
from pgdrift.vocabulary import Cause, ChangeType


@dataclass(frozen=True)
class Statement:
    """One SQL statement of a remediation; `warning` set means it is written commented out."""

    sql: str
    warning: str | None = None


@dataclass(frozen=True)
class Remedy:
    """What to do about one out-of-band finding: restore (SQL), or adopt (Alembic), or by hand."""

    change: Change
    restore: tuple[Statement, ...] = ()
    adopt: tuple[str, ...] = ()  # Alembic operations for a new revision
    manual: str | None = None  # why there is no automatic remediation


def out_of_band(report: Report) -> list[Change]:
    """The active findings no migration explains (all of them against a plain snapshot)."""
    return [change for change in report.active_changes if change.cause in (Cause.OUT_OF_BAND, None)]


def remedies(report: Report) -> list[Remedy]:
    return [remedy(change) for change in out_of_band(report)]


def remedy(change: Change) -> Remedy:
    if change.attribute == "comment":
        return _comment(change)
    handler = _HANDLERS.get((change.kind, change.change))
    if handler is None:
        return Remedy(change, manual=_no_remedy(change))
    return handler(change)


def _no_remedy(change: Change) -> str:
    label = BY_NAME[change.kind].label if change.kind in BY_NAME else change.kind
    what = f"{change.change} {label}" + (f" ({change.attribute})" if change.attribute else "")
    return f"no automatic remediation for a{'n' if what[0] in 'aeiou' else ''} {what}: restore it by hand"


# ---------------------------------------------------------------------------------------------
# SQL pieces


def literal(text: str) -> str:
    """A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1)."""
    return "'" + text.replace("'", "''") + "'"


def _python(value: Any) -> str:
    """A Python literal for an Alembic operation's argument (repr of str, bool, None, list)."""
    return repr(value)


def _execute(sql: str) -> str:
    return f"op.execute({_python(sql)})"


def _parts(key: str) -> list[str]:
    return split_qualified(key)


def _schema_argument(schema: str) -> str:
    return f", schema={_python(schema)}"


def _destructive(sql: str, why: str) -> Statement:
    return Statement(sql, why)


# ---------------------------------------------------------------------------------------------
# Indexes


def _index_missing(change: Change) -> Remedy:
    index = change.expected
    return Remedy(change, (Statement(index["definition"]),),
                  (f"op.drop_index({_python(index['name'])}, table_name={_python(index['table'])}"
                   f"{_schema_argument(index['schema'])})",))


def _index_unexpected(change: Change) -> Remedy:
    index = change.actual
    return Remedy(change,
                  (_destructive(f"DROP INDEX {change.object}", "drops an index made by hand: queries may rely on it"),),
                  (_create_index_op(index),))


def _create_index_op(index: Mapping[str, Any]) -> str:
    """op.create_index for a plain column list; op.execute of the definition otherwise."""
    body = index["definition"].split(f" USING {index['method']} (", 1)[-1]
    columns_text, _, rest = body.partition(")")
    columns = [column.strip() for column in columns_text.split(",")]
    plain = all(column.isidentifier() and column.islower() for column in columns)
    if not plain or (rest.strip() and not index["predicate"]):
        return _execute(index["definition"])
    arguments = [_python(index["name"]), _python(index["table"]), _python(columns)]
    if index["unique"]:
        arguments.append("unique=True")
    if index["method"] != "btree":
        arguments.append(f"postgresql_using={_python(index['method'])}")
    if index["predicate"]:
        arguments.append(f"postgresql_where=sa.text({_python(index['predicate'])})")
    arguments.append(f"schema={_python(index['schema'])}")
    return f"op.create_index({', '.join(arguments)})"


def _index_altered(change: Change) -> Remedy:
    if change.attribute == "definition":
        return Remedy(change, (Statement(f"DROP INDEX {change.object}"), Statement(change.expected)),
                      (_execute(f"DROP INDEX {change.object}"), _execute(change.actual)))
    if change.attribute == "valid" and change.expected is True:
        return Remedy(change, (Statement(f"REINDEX INDEX {change.object}"),))
    return Remedy(change, manual=_no_remedy(change))


# ---------------------------------------------------------------------------------------------
# Constraints


def _add_constraint(table: str, name: str, definition: str, validated: bool = True, enforced: bool = True) -> str:
    suffix = ("" if validated else " NOT VALID") + ("" if enforced else " NOT ENFORCED")
    return f"ALTER TABLE {table} ADD CONSTRAINT {quote_ident(name)} {definition}{suffix}"


def _constraint_missing(change: Change) -> Remedy:
    value = change.expected
    table = qualify(value["schema"], value["table"])
    sql = _add_constraint(table, value["name"], value["definition"], value.get("validated", True),
                          value.get("enforced", True))
    return Remedy(change, (Statement(sql),),
                  (f"op.drop_constraint({_python(value['name'])}, {_python(value['table'])}"
                   f"{_schema_argument(value['schema'])})",))


def _constraint_unexpected(change: Change) -> Remedy:
    value = change.actual
    table = qualify(value["schema"], value["table"])
    drop = f"ALTER TABLE {table} DROP CONSTRAINT {quote_ident(value['name'])}"
    adopt = _add_constraint(table, value["name"], value["definition"], value.get("validated", True),
                            value.get("enforced", True))
    return Remedy(change, (_destructive(drop, "drops a constraint made by hand"),), (_execute(adopt),))


def _constraint_altered(change: Change) -> Remedy:
    schema, table_name, name = _parts(change.object)
    table = qualify(schema, table_name)
    if change.attribute == "definition":
        drop = f"ALTER TABLE {table} DROP CONSTRAINT {quote_ident(name)}"
        return Remedy(change, (Statement(drop), Statement(_add_constraint(table, name, change.expected))),
                      (_execute(drop), _execute(_add_constraint(table, name, change.actual))))
    if change.attribute == "validated" and change.expected is True:
        return Remedy(change, (Statement(f"ALTER TABLE {table} VALIDATE CONSTRAINT {quote_ident(name)}"),))
    return Remedy(change, manual=_no_remedy(change))


# ---------------------------------------------------------------------------------------------
# Columns

#: format_type's words -> SQLAlchemy's types, for op.add_column / op.alter_column
_SQLALCHEMY_TYPES = {
    "text": "sa.Text()", "integer": "sa.Integer()", "bigint": "sa.BigInteger()", "smallint": "sa.SmallInteger()",
    "boolean": "sa.Boolean()", "date": "sa.Date()", "uuid": "sa.Uuid()", "jsonb": "postgresql.JSONB()",
    "double precision": "sa.Double()", "timestamp without time zone": "sa.DateTime()",
    "timestamp with time zone": "sa.DateTime(timezone=True)",
}


def _sqlalchemy_type(type_text: str) -> str | None:
    if type_text in _SQLALCHEMY_TYPES:
        return _SQLALCHEMY_TYPES[type_text]
    if type_text.startswith("character varying(") and type_text[18:-1].isdigit():
        return f"sa.String({type_text[18:-1]})"
    if type_text.startswith("numeric(") and type_text[8:-1].replace(",", "").isdigit():
        return f"sa.Numeric({type_text[8:-1]})"
    return None


def _column_definition(column: Mapping[str, Any]) -> str:
    parts = [quote_ident(column["name"]), column["type"]]
    if column.get("collation"):
        parts.append(f"COLLATE {column['collation']}")
    if column.get("generated"):
        kind = (column.get("generated_kind") or "stored").upper()
        parts.append(f"GENERATED ALWAYS AS ({column['generated']}) {kind}")
    elif column.get("identity"):
        parts.append(f"GENERATED {column['identity'].upper()} AS IDENTITY")
    elif column.get("default") is not None:
        parts.append(f"DEFAULT {column['default']}")
    if column.get("not_null"):
        parts.append("NOT NULL")
    return " ".join(parts)


def _column_missing(change: Change) -> Remedy:
    column = change.expected
    table = qualify(column["schema"], column["table"])
    return Remedy(change, (Statement(f"ALTER TABLE {table} ADD COLUMN {_column_definition(column)}"),),
                  (f"op.drop_column({_python(column['table'])}, {_python(column['name'])}"
                   f"{_schema_argument(column['schema'])})",))


def _column_unexpected(change: Change) -> Remedy:
    column = change.actual
    table = qualify(column["schema"], column["table"])
    drop = f"ALTER TABLE {table} DROP COLUMN {quote_ident(column['name'])}"
    type_expression = _sqlalchemy_type(column["type"])
    simple = not (column.get("generated") or column.get("identity") or column.get("collation"))
    if type_expression and simple:
        arguments = [_python(column["name"]), type_expression, f"nullable={not column.get('not_null')}"]
        if column.get("default") is not None:
            arguments.append(f"server_default=sa.text({_python(column['default'])})")
        adopt = (f"op.add_column({_python(column['table'])}, sa.Column({', '.join(arguments)})"
                 f"{_schema_argument(column['schema'])})")
    else:
        adopt = _execute(f"ALTER TABLE {table} ADD COLUMN {_column_definition(column)}")
    return Remedy(change, (_destructive(drop, "drops a column and the values in it"),), (adopt,))


def _column_altered(change: Change) -> Remedy:
    schema, table_name, name = _parts(change.object)
    alter = f"ALTER TABLE {qualify(schema, table_name)} ALTER COLUMN {quote_ident(name)}"
    handler = _COLUMN_ATTRIBUTES.get(change.attribute or "")
    if handler is None:
        return Remedy(change, manual=_no_remedy(change))
    restore, adopt_sql, adopt_arguments = handler(alter, quote_ident(name), change.expected, change.actual)
    adopt = (_execute(adopt_sql) if adopt_arguments is None else
             f"op.alter_column({_python(table_name)}, {_python(name)}, {adopt_arguments}{_schema_argument(schema)})")
    return Remedy(change, restore, (adopt,))


#: f(ALTER COLUMN prefix, quoted name, expected, actual) -> (restore, adopting SQL, op.alter_column's
#: arguments to adopt, or None where op.execute of the SQL must do)
_ColumnResult = tuple[tuple[Statement, ...], str, str | None]
ColumnRemedy = Callable[[str, str, Any, Any], _ColumnResult]


def _column_type(alter: str, name: str, expected: Any, actual: Any) -> _ColumnResult:
    # Back to a type every live value fits in is safe; anything else may fail or cut values.
    warning = None if widens(actual, expected) else f"converts {actual} to {expected}: values may not fit"
    restore = Statement(f"{alter} TYPE {expected} USING {name}::{expected}", warning)
    live_type, expected_type = _sqlalchemy_type(actual), _sqlalchemy_type(expected)
    arguments = f"type_={live_type}, existing_type={expected_type}" if live_type and expected_type else None
    return (restore,), f"{alter} TYPE {actual}", arguments


def _column_not_null(alter: str, name: str, expected: Any, actual: Any) -> _ColumnResult:
    restore = f"{alter} {'SET' if expected else 'DROP'} NOT NULL"
    return (Statement(restore),), f"{alter} {'SET' if actual else 'DROP'} NOT NULL", f"nullable={not actual}"


def _column_default(alter: str, name: str, expected: Any, actual: Any) -> _ColumnResult:
    restore = f"{alter} DROP DEFAULT" if expected is None else f"{alter} SET DEFAULT {expected}"
    adopt = f"{alter} DROP DEFAULT" if actual is None else f"{alter} SET DEFAULT {actual}"
    arguments = "server_default=None" if actual is None else f"server_default=sa.text({_python(actual)})"
    return (Statement(restore),), adopt, arguments


_COLUMN_ATTRIBUTES: dict[str, ColumnRemedy] = {
    "type": _column_type, "not_null": _column_not_null, "default": _column_default,
}


# ---------------------------------------------------------------------------------------------
# Enums, triggers, rules, schemas


def _add_labels(type_key: str, wanted: Sequence[str], present: Sequence[str]) -> list[str]:
    """ALTER TYPE ... ADD VALUE for each label of `wanted` that `present` lacks, in its place."""
    statements, have = [], list(present)
    for position, label in enumerate(wanted):
        if label in have:
            continue
        after = next((wanted[i] for i in range(position - 1, -1, -1) if wanted[i] in have), None)
        place = f" AFTER {literal(after)}" if after else (f" BEFORE {literal(have[0])}" if have else "")
        statements.append(f"ALTER TYPE {type_key} ADD VALUE IF NOT EXISTS {literal(label)}{place}")
        have.insert(have.index(after) + 1 if after else 0, label)
    return statements


def _enum_altered(change: Change) -> Remedy:
    if change.attribute != "labels":
        return Remedy(change, manual=_no_remedy(change))
    expected, actual = list(change.expected), list(change.actual)
    restore = tuple(Statement(sql) for sql in _add_labels(change.object, expected, actual))
    adopt = tuple(_execute(sql) for sql in _add_labels(change.object, actual, expected))
    extra = [label for label in actual if label not in expected]
    lost = [label for label in expected if label not in actual]
    notes = []
    if extra:
        notes.append(f"PostgreSQL cannot drop enum labels ({', '.join(extra)}): rebuilding the type is by hand")
    if lost:
        notes.append(f"adopting the loss of {', '.join(lost)} means rebuilding the type in a migration")
    return Remedy(change, restore, adopt, "; ".join(notes) or None)


def _by_definition(kind: str) -> Callable[[Change], Remedy]:
    """Missing triggers and rules: their definition is the statement that makes them."""
    def missing(change: Change) -> Remedy:
        definition = change.expected["definition"].rstrip(";")
        return Remedy(change, (Statement(definition),), (_execute(_drop_child(kind, change.expected)),))
    return missing


def _drop_child(kind: str, value: Mapping[str, Any]) -> str:
    return f"DROP {kind.upper()} {quote_ident(value['name'])} ON {qualify(value['schema'], value['table'])}"


def _child_unexpected(kind: str) -> Callable[[Change], Remedy]:
    def unexpected(change: Change) -> Remedy:
        drop = _drop_child(kind, change.actual)
        return Remedy(change, (_destructive(drop, f"drops a {kind} made by hand"),),
                      (_execute(change.actual["definition"].rstrip(";")),))
    return unexpected


def _schema_missing(change: Change) -> Remedy:
    return Remedy(change, (Statement(f"CREATE SCHEMA {change.object}"),), (_execute(f"DROP SCHEMA {change.object}"),))


def _schema_unexpected(change: Change) -> Remedy:
    return Remedy(change, (_destructive(f"DROP SCHEMA {change.object}", "drops a schema made by hand"),),
                  (_execute(f"CREATE SCHEMA {change.object}"),))


def _table_unexpected(change: Change) -> Remedy:
    return Remedy(change, (_destructive(f"DROP TABLE {change.object}", "drops a table and every row in it"),),
                  manual="adopting it means writing its op.create_table in a migration (autogenerate can)")


# ---------------------------------------------------------------------------------------------
# Renames (candidates: the SQL names the old name back)


def _renamed(change: Change) -> Remedy:
    old, new = str(change.expected), str(change.actual)
    old_name, new_parts = _parts(old)[-1], _parts(new)
    templates = {
        "table": lambda: f"ALTER TABLE {new} RENAME TO {quote_ident(old_name)}",
        "index": lambda: f"ALTER INDEX {new} RENAME TO {quote_ident(old_name)}",
        "column": lambda: f"ALTER TABLE {qualify(*new_parts[:2])} RENAME COLUMN {quote_ident(new_parts[2])} "
                          f"TO {quote_ident(old_name)}",
        "constraint": lambda: f"ALTER TABLE {qualify(*new_parts[:2])} RENAME CONSTRAINT {quote_ident(new_parts[2])} "
                              f"TO {quote_ident(old_name)}",
        "trigger": lambda: f"ALTER TRIGGER {quote_ident(new_parts[2])} ON {qualify(*new_parts[:2])} "
                           f"RENAME TO {quote_ident(old_name)}",
    }
    template = templates.get(change.kind)
    if template is None:
        return Remedy(change, manual=_no_remedy(change))
    return Remedy(change, (Statement(template()),), (_execute(_swap_rename(change.kind, old, new)),))


def _swap_rename(kind: str, old: str, new: str) -> str:
    """The rename that adopts the live name: old -> new."""
    old_parts, new_name = _parts(old), quote_ident(_parts(new)[-1])
    if kind == "table":
        return f"ALTER TABLE {old} RENAME TO {new_name}"
    if kind == "index":
        return f"ALTER INDEX {old} RENAME TO {new_name}"
    table, old_name = qualify(*old_parts[:2]), quote_ident(old_parts[2])
    if kind == "trigger":
        return f"ALTER TRIGGER {old_name} ON {table} RENAME TO {new_name}"
    return f"ALTER TABLE {table} RENAME {kind.upper()} {old_name} TO {new_name}"


# ---------------------------------------------------------------------------------------------
# Grants


def _privilege_parts(change: Change) -> tuple[str, str, str]:
    """(object_type, object key, grantee) of a privilege finding (its key: `type object TO grantee`)."""
    head, _, grantee = change.object.rpartition(" TO ")
    object_type, _, key = head.partition(" ")
    return object_type, key, grantee


def _on(object_type: str, key: str, privileges: Sequence[str]) -> tuple[str, str]:
    """(privilege list, ON target) for GRANT/REVOKE."""
    words = ", ".join("ALL PRIVILEGES" if word == "ALL" else word for word in privileges)
    if object_type == "column":
        schema, table, column = _parts(key)
        return f"{words.replace('ALL PRIVILEGES', 'ALL')} ({quote_ident(column)})", f"TABLE {qualify(schema, table)}"
    return words, f"{object_type.upper()} {key}"


def _grantee(name: str) -> str:
    return name if name == "PUBLIC" else quote_ident(name)


def grant_statements(object_type: str, key: str, grantee: str, wanted: Mapping[str, Any] | None,
                     present: Mapping[str, Any] | None) -> list[str]:
    """GRANT/REVOKE that turn `present` privileges (a privilege's JSON value, or None) into `wanted`."""
    want = set(wanted["privileges"]) if wanted else set()
    have = set(present["privileges"]) if present else set()
    statements = []
    to_revoke, to_grant = have - want, want - have
    if "ALL" in have | want and have != want:  # ALL does not subtract: revoke and grant anew
        to_revoke, to_grant = have, want
    if to_revoke:
        words, target = _on(object_type, key, sorted(to_revoke))
        statements.append(f"REVOKE {words} ON {target} FROM {_grantee(grantee)}")
    if to_grant:
        words, target = _on(object_type, key, sorted(to_grant))
        statements.append(f"GRANT {words} ON {target} TO {_grantee(grantee)}")
    grantable = sorted(set(wanted.get("grantable", ())) if wanted else set())
    if grantable and (not present or set(present.get("grantable", ())) != set(grantable)):
        words, target = _on(object_type, key, grantable)
        statements.append(f"GRANT {words} ON {target} TO {_grantee(grantee)} WITH GRANT OPTION")
    return statements


def _privilege(change: Change) -> Remedy:
    object_type, key, grantee = _privilege_parts(change)
    expected, actual = change.expected, change.actual
    if change.change == ChangeType.ALTERED:
        # One attribute's values: rebuild both sides' privileges (the other attribute as it is not known, empty)
        expected = {change.attribute: expected}
        actual = {change.attribute: actual}
        if change.attribute != "privileges":
            return Remedy(change, manual=_no_remedy(change))
    restore = grant_statements(object_type, key, grantee, expected, actual)
    adopt = grant_statements(object_type, key, grantee, actual, expected)
    return Remedy(change, tuple(Statement(sql) for sql in restore), tuple(_execute(sql) for sql in adopt))


# ---------------------------------------------------------------------------------------------
# Comments

#: kind -> how COMMENT ON names an object of it, from its key
_COMMENT_TARGETS: dict[str, Callable[[str], str]] = {
    "schema": lambda key: f"SCHEMA {key}",
    "table": lambda key: f"TABLE {key}",
    "column": lambda key: f"COLUMN {key}",
    "index": lambda key: f"INDEX {key}",
    "sequence": lambda key: f"SEQUENCE {key}",
    "enum": lambda key: f"TYPE {key}",
    "composite_type": lambda key: f"TYPE {key}",
    "range_type": lambda key: f"TYPE {key}",
    "domain": lambda key: f"DOMAIN {key}",
    "collation": lambda key: f"COLLATION {key}",
    "function": lambda key: f"ROUTINE {key}",
    "constraint": lambda key: _on_table("CONSTRAINT", key),
    "trigger": lambda key: _on_table("TRIGGER", key),
    "rule": lambda key: _on_table("RULE", key),
}


def _on_table(word: str, key: str) -> str:
    schema, table, name = _parts(key)
    return f"{word} {quote_ident(name)} ON {qualify(schema, table)}"


def comment_statement(kind: str, key: str, text: str | None) -> str | None:
    target = _COMMENT_TARGETS.get(kind)
    if target is None:
        return None
    return f"COMMENT ON {target(key)} IS {'NULL' if text is None else literal(text)}"


def _comment(change: Change) -> Remedy:
    restore = comment_statement(change.kind, change.object, change.expected)
    adopt = comment_statement(change.kind, change.object, change.actual)
    if restore is None or adopt is None:
        return Remedy(change, manual=_no_remedy(change))
    return Remedy(change, (Statement(restore),), (_execute(adopt),))


_HANDLERS: dict[tuple[str, ChangeType], Callable[[Change], Remedy]] = {
    ("index", ChangeType.MISSING): _index_missing,
    ("index", ChangeType.UNEXPECTED): _index_unexpected,
    ("index", ChangeType.ALTERED): _index_altered,
    ("constraint", ChangeType.MISSING): _constraint_missing,
    ("constraint", ChangeType.UNEXPECTED): _constraint_unexpected,
    ("constraint", ChangeType.ALTERED): _constraint_altered,
    ("column", ChangeType.MISSING): _column_missing,
    ("column", ChangeType.UNEXPECTED): _column_unexpected,
    ("column", ChangeType.ALTERED): _column_altered,
    ("enum", ChangeType.ALTERED): _enum_altered,
    ("trigger", ChangeType.MISSING): _by_definition("trigger"),
    ("trigger", ChangeType.UNEXPECTED): _child_unexpected("trigger"),
    ("rule", ChangeType.MISSING): _by_definition("rule"),
    ("rule", ChangeType.UNEXPECTED): _child_unexpected("rule"),
    ("schema", ChangeType.MISSING): _schema_missing,
    ("schema", ChangeType.UNEXPECTED): _schema_unexpected,
    ("table", ChangeType.UNEXPECTED): _table_unexpected,
    ("privilege", ChangeType.MISSING): _privilege,
    ("privilege", ChangeType.UNEXPECTED): _privilege,
    ("privilege", ChangeType.ALTERED): _privilege,
    **{(kind, ChangeType.RENAMED): _renamed for kind in ("table", "index", "column", "constraint", "trigger")},
}


# ---------------------------------------------------------------------------------------------
# The script


def render_sql(report: Report) -> str:
    """A SQL script, to be reviewed before it is run, that restores the expected schema for each
    out-of-band finding of `report`, with the Alembic operations that would adopt the live state
    instead, in comments; destructive statements commented out, with a WARNING."""
    found = remedies(report)
    revisions = ", ".join(report.actual.revisions) or "unknown"
    lines = [
        f"-- pgdrift remediation for {report.actual.source} (revision {revisions})",
        f"-- against {report.expected.source}, {report.generated_at}",
        "-- REVIEW BEFORE RUNNING. It restores the expected schema for each out-of-band finding.",
        "-- Statements that lose data or drop what someone made by hand are commented out (WARNING);",
        "-- to keep the live state instead, put the 'adopt' operations in a new Alembic revision",
        "-- (with `import sqlalchemy as sa` and `from sqlalchemy.dialects import postgresql`).",
        f"-- {len(found)} out-of-band finding(s).",
        "",
        "BEGIN;",
    ]
    for item in found:
        lines += ["", *_render_remedy(item)]
    lines += ["", "COMMIT;", ""]
    return "\n".join(lines)


def _render_remedy(item: Remedy) -> list[str]:
    change = item.change
    lines = [f"-- [{change.severity}] {_one_line(change.reason or change.identity)}"]
    for statement in item.restore:
        if statement.warning:
            lines.append(f"-- WARNING: {statement.warning}. Uncomment to run it:")
            lines += [f"-- {line}" for line in f"{statement.sql};".splitlines()]
        else:
            lines.append(f"{statement.sql};")
    if item.manual:
        lines.append(f"-- {_one_line(item.manual)}")
    lines += [f"--   adopt instead (Alembic): {_one_line(operation)}" for operation in item.adopt]
    return lines


def _one_line(text: str) -> str:
    """Comments stay comments: a newline in a reason or a definition would end one early."""
    return " ".join(text.split())
