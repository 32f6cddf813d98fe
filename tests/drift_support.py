"""Helpers for tests that check rendered reports: the report JSON Schema, loaded once."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def report_schema() -> dict[str, Any]:
    text = resources.files("pgdrift").joinpath("schemas", "report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]
