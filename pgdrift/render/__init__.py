"""Rendering a `Report` in every format (stub, being filled in)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from pgdrift.report import Report

FORMATS = ("text", "markdown", "json", "html")


def report_to_json(report: Report) -> dict[str, Any]:
    return asdict(report)


def render(report: Report, fmt: str, color: bool = False) -> str:
    return json.dumps(report_to_json(report), indent=2, default=str) + "\n"
