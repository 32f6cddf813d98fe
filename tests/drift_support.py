"""Helpers for the drift-engine tests: the report JSON Schema, and small snapshots built from
the model's own dataclasses (real objects, as the catalog reader would build them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from pgdrift.schema import model
from pgdrift.schema.kinds import BY_NAME
from pgdrift.vocabulary import VersionTableStatus


@cache
def json_schema(name: str) -> dict[str, Any]:
    """One of pgdrift/schemas/<name>.schema.json."""
    text = resources.files("pgdrift").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def report_schema() -> dict[str, Any]:
    return json_schema("report")


#: What a check run adds to the report in the Lambda's answer (answer.schema.json, "check").
ANSWER_EXTRAS = ("s3", "alert", "alert_held")


def validate_answer(body: Mapping[str, Any]) -> None:
    """The Lambda's answer against answer.schema.json, and a check run's report part against
    report.schema.json."""
    jsonschema.validate(body, json_schema("answer"))
    if body["status"] in ("clean", "drift"):
        jsonschema.validate({key: value for key, value in body.items() if key not in ANSWER_EXTRAS},
                            report_schema())


def validate_run_record(text: str | bytes) -> dict[str, Any]:
    """A stored run record: one JSON line that validates against run_record.schema.json."""
    line = text.decode("utf-8") if isinstance(text, bytes) else text
    assert line.endswith("\n") and line.count("\n") == 1, "a run record is one JSON line"
    record: dict[str, Any] = json.loads(line)
    jsonschema.validate(record, json_schema("run_record"))
    return record


def snapshot(tables: Mapping[str, Mapping[str, str]] | None = None, *, extra: Iterable[Any] = (),
             rows: Mapping[str, int] | None = None, schema: str = "public") -> model.Snapshot:
    """A snapshot with `tables` ({name: {column: type}}), each with an `id` primary key when it
    has an id column, plus any `extra` objects."""
    objects: dict[str, dict[str, Any]] = {kind: {} for kind in BY_NAME}
    for table, columns in (tables or {}).items():
        add(objects, model.Table(schema, table, "table", "permanent", row_estimate=(rows or {}).get(table, -1)))
        for position, (column, type_) in enumerate(columns.items(), 1):
            add(objects, model.Column(schema, table, column, type_, not_null=column == "id", position=position))
        if "id" in columns:
            add(objects, model.Constraint(schema, table, f"{table}_pkey", "primary key", "PRIMARY KEY (id)"))
    for obj in extra:
        add(objects, obj)
    meta = model.SnapshotMeta(captured_at="2026-02-02T20:30:00Z", server_version="16.4", server_version_num=160004,
                              database="app", alembic=model.AlembicState(VersionTableStatus.ABSENT))
    return model.Snapshot(meta=meta, objects=objects)


def add(objects: dict[str, dict[str, Any]], obj: Any) -> None:
    kind = next(kind for kind in BY_NAME.values() if isinstance(obj, kind.model))
    objects[kind.name][kind.key(obj)] = obj


#: Change types that say an object is absent, and those that say it is present.
_ABSENT = {"missing"}
_PRESENT = {"unexpected", "altered"}


def contradictions(changes: Iterable[Any]) -> list[tuple[str, str, list[str]]]:
    """(kind, object, change types) of every object a report calls both absent and present, e.g.
    "is missing" and "is still here: a pending migration drops it" (issue 15)."""
    seen: dict[tuple[str, str], set[str]] = {}
    for change in changes:
        seen.setdefault((change.kind, change.object), set()).add(str(change.change))
    return sorted((kind, name, sorted(types)) for (kind, name), types in seen.items()
                  if types & _ABSENT and types & _PRESENT)
