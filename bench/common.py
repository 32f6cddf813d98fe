"""Shared benchmark support: a deterministic generator of app-like schemas, and server helpers.

The public API is small and stable so that every benchmark (snapshot, diff, ledger, lambda) can
use it:

- `generate_schema_sql(n_tables, seed=0, drift=0.0) -> str`
    An app-like schema of `n_tables` tables spread over three schemas (`public`, `app`,
    `billing`): mixed column types, identity and uuid keys, foreign keys with actions, partial,
    expression, unique and GIN indexes, checks, enums, domains, views, a materialized view,
    functions, triggers and comments. The same arguments always give the same text.
    With `drift` > 0, about that fraction of the tables is changed (a column dropped, added or
    retyped, an index dropped or renamed, a check, default or comment altered, a table dropped
    or renamed), while everything else stays byte-identical to the `drift=0` schema. So
    `generate_schema_sql(5000, 7)` and `generate_schema_sql(5000, 7, drift=0.05)` give two large
    schemas that differ by about 5%. The script is plain SQL that psql can run as well.
- `load_schema(server, database, sql) -> str`
    Create `database` on an embedded server, run the script in it, VACUUM ANALYZE, return its DSN.
- `time_repeatedly(function, repeat) -> list[float]` and `median(samples)`: wall-clock timing.
- `format_table(headers, rows) -> str`: a plain-text table for benchmark output.
- `machine_summary() -> str`: CPU, cores and memory, for the figures in bench/README.md.

Start a server with `pgdrift.migrations.embedded.start_embedded(18)` (a context manager).
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pgdrift.catalog.connect import parse_dsn
from pgdrift.errors import PgDriftError
from pgdrift.migrations.embedded import EmbeddedServer

#: The schema sizes the issue asks the benchmarks to cover.
SIZES = (100, 1000, 5000)

#: Scripts are loaded in batches separated by this line: creating thousands of relations in one
#: transaction would exhaust the server's lock table (max_locks_per_transaction).
BATCH_MARKER = "-- bench: batch"
_TABLES_PER_BATCH = 100

_SCHEMAS = ("public", "public", "public", "app", "billing")
_NOUNS = ("accounts", "orders", "invoices", "payments", "customers", "products", "shipments", "events",
          "sessions", "licenses", "providers", "claims", "notes", "documents", "tasks", "audits")
_DRIFTS = ("drop_column", "add_column", "alter_type", "drop_index", "rename_index", "change_check",
           "change_default", "change_comment", "drop_table", "rename_table")


@dataclass(frozen=True)
class _ColumnChoice:
    name: str
    type: str
    suffix: str = ""  # NOT NULL, DEFAULT ...


def _column_pool(enum: str) -> tuple[_ColumnChoice, ...]:
    return (
        _ColumnChoice("name", "text", "NOT NULL"),
        _ColumnChoice("code", "varchar(32)"),
        _ColumnChoice("quantity", "integer", "NOT NULL DEFAULT 0"),
        _ColumnChoice("amount", "numeric(12,2)"),
        _ColumnChoice("is_active", "boolean", "NOT NULL DEFAULT true"),
        _ColumnChoice("created_at", "timestamp with time zone", "NOT NULL DEFAULT now()"),
        _ColumnChoice("updated_at", "timestamp with time zone"),
        _ColumnChoice("payload", "jsonb", "DEFAULT '{}'::jsonb"),
        _ColumnChoice("starts_on", "date"),
        _ColumnChoice("tags", "text[]"),
        _ColumnChoice("external_id", "uuid"),
        _ColumnChoice("status", enum, "NOT NULL"),
        _ColumnChoice("email", "email_address"),
        _ColumnChoice("score", "double precision"),
        _ColumnChoice("price", "positive_amount"),
        _ColumnChoice("ratio", "real"),
    )


@dataclass
class _Table:
    """One generated table; `drift` names the change applied to it, if any."""

    index: int
    schema: str
    name: str
    uuid_key: bool
    columns: list[_ColumnChoice]
    parent: int | None
    on_delete: str
    comment: bool
    column_comment: bool
    drift: str | None = None
    statements: list[str] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def has(self, column: str) -> bool:
        return any(choice.name == column for choice in self.columns)


def _plan_tables(n_tables: int, seed: int, n_enums: int) -> list[_Table]:
    tables = []
    for index in range(n_tables):
        rng = random.Random(f"{seed}:table:{index}")
        pool = _column_pool(f"status_{rng.randrange(n_enums)}")
        parent = rng.randrange(max(0, index - 200), index) if index and rng.random() < 0.7 else None
        tables.append(_Table(
            index=index, schema=_SCHEMAS[index % len(_SCHEMAS)],
            name=f"{_NOUNS[rng.randrange(len(_NOUNS))]}_{index:05d}", uuid_key=rng.random() < 0.3,
            columns=rng.sample(pool, rng.randint(3, 10)), parent=parent,
            on_delete=rng.choice(("CASCADE", "SET NULL", "RESTRICT", "NO ACTION")),
            comment=rng.random() < 0.5, column_comment=rng.random() < 0.3))
    return tables


_RETYPED = {"text": "varchar(200)", "varchar(32)": "varchar(64)", "integer": "bigint",
            "numeric(12,2)": "numeric(14,4)", "double precision": "numeric", "real": "double precision",
            "date": "timestamp without time zone", "timestamp with time zone": "timestamp without time zone"}


def _apply_drift(tables: list[_Table], seed: int, drift: float) -> None:
    """Change about `drift` of the tables; a separate RNG keeps everything else identical."""
    if not 0.0 <= drift <= 1.0:
        raise PgDriftError(f"generating a benchmark schema: drift={drift} is not between 0 and 1")
    for table in tables:
        rng = random.Random(f"{seed}:drift:{table.index}")
        if rng.random() < drift:
            table.drift = rng.choice(_DRIFTS)
            _drift_columns(table)


def _drift_columns(table: _Table) -> None:
    """Column-level drifts rewrite the column list; the others are applied while rendering."""
    columns = table.columns
    if table.drift == "rename_table":
        table.name += "_renamed"
    elif table.drift == "drop_column" and len(columns) > 1:
        columns.pop()
    elif table.drift == "change_check" and not table.has("amount"):
        table.drift = "change_comment"
    elif table.drift == "add_column":
        columns.append(_ColumnChoice("added_by_drift", "text"))
    elif table.drift == "alter_type":
        number = next((n for n, column in enumerate(columns) if column.type in _RETYPED), None)
        if number is None:
            table.drift = "change_comment"
        else:
            column = columns[number]
            columns[number] = _ColumnChoice(column.name, _RETYPED[column.type], column.suffix)
    elif table.drift == "change_default":
        number = next((n for n, column in enumerate(columns) if "DEFAULT" in column.suffix), None)
        if number is None:
            table.drift = "change_comment"
        else:
            column = columns[number]
            without_default = column.suffix.split("DEFAULT")[0].strip()
            columns[number] = _ColumnChoice(column.name, column.type, without_default)


def _key_column(table: _Table) -> str:
    if table.uuid_key:
        return "id uuid PRIMARY KEY DEFAULT gen_random_uuid()"
    return "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"


def _column_lines(table: _Table, parent: _Table | None) -> list[str]:
    lines = [_key_column(table)]
    if parent is not None:
        key_type = "uuid" if parent.uuid_key else "bigint"
        lines.append(f"parent_id {key_type} REFERENCES {parent.qualified} (id) ON DELETE {table.on_delete}")
    columns = table.columns
    lines += [f"{column.name} {column.type} {column.suffix}".rstrip() for column in columns]
    present = {column.name for column in columns}
    if "amount" in present:
        limit = "-1" if table.drift == "change_check" else "0"
        lines.append(f"CONSTRAINT {table.name}_amount_check CHECK (amount >= {limit})")
    if "quantity" in present:
        lines.append("CHECK (quantity BETWEEN 0 AND 100000)")
    if "code" in present:
        lines.append("UNIQUE (code)")
    return lines


def _index_statements(table: _Table, has_parent: bool) -> list[str]:
    target, prefix = table.qualified, f"ix_{table.name}"
    statements = []
    if has_parent:
        statements.append(f"CREATE INDEX {prefix}_parent ON {target} (parent_id)")
    if table.has("created_at") and table.has("is_active"):
        statements.append(f"CREATE INDEX {prefix}_recent ON {target} (created_at) WHERE is_active")
    if table.has("name"):
        statements.append(f"CREATE INDEX {prefix}_lower_name ON {target} (lower(name))")
    if table.has("external_id"):
        statements.append(f"CREATE UNIQUE INDEX {prefix}_external ON {target} (external_id) "
                          "WHERE external_id IS NOT NULL")
    if table.has("payload") and table.index % 3 == 0:
        statements.append(f"CREATE INDEX {prefix}_payload ON {target} USING gin (payload)")
    if statements and table.drift == "drop_index":
        statements.pop()
    if statements and table.drift == "rename_index":
        statements[-1] = statements[-1].replace(f" {prefix}_", f" {prefix}_renamed_", 1)
    return statements


def _table_statements(table: _Table, tables: list[_Table]) -> list[str]:
    parent = tables[table.parent] if table.parent is not None else None
    if parent is not None and parent.drift == "drop_table":
        parent = None
    body = ",\n  ".join(_column_lines(table, parent))
    statements = [f"CREATE TABLE {table.qualified} (\n  {body}\n)"]
    statements += _index_statements(table, parent is not None)
    if table.has("updated_at"):
        statements.append(f"CREATE TRIGGER trg_{table.name}_touch BEFORE UPDATE ON {table.qualified} "
                          "FOR EACH ROW EXECUTE FUNCTION public.set_updated_at()")
    if table.comment or table.drift == "change_comment":
        text = "changed by drift" if table.drift == "change_comment" else f"{table.name}: generated table"
        statements.append(f"COMMENT ON TABLE {table.qualified} IS '{text}'")
    if table.column_comment:
        statements.append(f"COMMENT ON COLUMN {table.qualified}.id IS 'surrogate key of {table.name}'")
    return statements


def _view_statements(table: _Table, tables: list[_Table]) -> list[str]:
    if table.index % 10 != 5:
        return []
    columns = ", ".join(["id", *(column.name for column in table.columns[:3])])
    statements = [f"CREATE VIEW {table.schema}.v_{table.name} AS SELECT {columns} FROM {table.qualified}"]
    parent = tables[table.parent] if table.parent is not None else None
    if table.index % 50 == 5 and parent is not None and parent.drift != "drop_table":
        statements.append(
            f"CREATE MATERIALIZED VIEW {table.schema}.mv_{table.name} AS SELECT child.id, "
            f"parent.id AS parent_key FROM {table.qualified} AS child "
            f"JOIN {parent.qualified} AS parent ON parent.id = child.parent_id WITH NO DATA")
    return statements


def _preamble(n_enums: int, n_functions: int, seed: int) -> list[str]:
    rng = random.Random(f"{seed}:preamble")
    labels = ("draft", "pending", "active", "suspended", "expired", "archived", "deleted")
    statements = ["CREATE SCHEMA app", "CREATE SCHEMA billing",
                  "COMMENT ON SCHEMA app IS 'application tables'",
                  "CREATE DOMAIN email_address AS text CHECK (VALUE ~ '^[^@]+@[^@]+$')",
                  "CREATE DOMAIN positive_amount AS numeric(12,2) NOT NULL DEFAULT 0 CHECK (VALUE >= 0)",
                  "CREATE TYPE app.money_pair AS (amount numeric(12,2), currency char(3))",
                  "CREATE SEQUENCE billing.invoice_numbers START 1000 INCREMENT 10 CACHE 5",
                  "CREATE FUNCTION public.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                  "BEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$"]
    for number in range(n_enums):
        chosen = rng.sample(labels, rng.randint(3, 6))
        quoted = ", ".join(f"'{label}'" for label in chosen)
        statements.append(f"CREATE TYPE status_{number} AS ENUM ({quoted})")
    for number in range(n_functions):
        volatility = rng.choice(("IMMUTABLE", "STABLE", "VOLATILE"))
        statements.append(f"CREATE FUNCTION app.score_{number}(value integer, factor numeric DEFAULT 1) "
                          f"RETURNS numeric LANGUAGE sql {volatility} "
                          f"AS $$ SELECT value * factor + {number} $$")
    statements.append("COMMENT ON FUNCTION public.set_updated_at() IS 'keeps updated_at current'")
    return statements


def generate_schema_sql(n_tables: int, seed: int = 0, drift: float = 0.0) -> str:
    """The SQL of an app-like schema of `n_tables` tables; see the module docstring."""
    if n_tables < 1:
        raise PgDriftError(f"generating a benchmark schema: n_tables={n_tables} must be at least 1")
    n_enums, n_functions = max(3, n_tables // 25), max(2, n_tables // 20)
    tables = _plan_tables(n_tables, seed, n_enums)
    _apply_drift(tables, seed, drift)
    batches = [_preamble(n_enums, n_functions, seed)]
    for start in range(0, n_tables, _TABLES_PER_BATCH):
        batch = []
        for table in tables[start:start + _TABLES_PER_BATCH]:
            if table.drift != "drop_table":
                batch += _table_statements(table, tables) + _view_statements(table, tables)
        batches.append(batch)
    batches.append(["GRANT USAGE ON SCHEMA billing TO PUBLIC",
                    "GRANT SELECT ON ALL TABLES IN SCHEMA billing TO PUBLIC"])
    return f"\n{BATCH_MARKER}\n".join(";\n".join(batch) + ";" for batch in batches if batch) + "\n"


def load_schema(server: EmbeddedServer, database: str, sql: str) -> str:
    """Create `database` on `server`, run the script batch by batch, return the database's DSN."""
    import pg8000.native

    options = parse_dsn(server.dsn())
    unix_sock = f"{options.unix_socket_dir}/.s.PGSQL.{options.port}"
    admin = pg8000.native.Connection("postgres", unix_sock=unix_sock, ssl_context=False)
    try:
        admin.run(f'CREATE DATABASE "{database}"')
    finally:
        admin.close()
    connection = pg8000.native.Connection("postgres", database=database, unix_sock=unix_sock,
                                          ssl_context=False)
    try:
        for batch in sql.split(BATCH_MARKER):
            connection.run(batch)
        # Vacuum the catalogs too, so that autovacuum workers do not run during the timings.
        connection.run("VACUUM ANALYZE")
    finally:
        connection.close()
    return server.dsn(database)


def time_repeatedly(function: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned first column, right-aligned others, for terminal output and README tables."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    lines = []
    for number, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:],
                                                                                        strict=True)]
        lines.append("  ".join(parts))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def machine_summary() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kilobytes = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
            memory = f", {kilobytes / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"
