"""One invocation of the monitor Lambda: the event read and routed, with everything AWS injected.

A scheduled event (`"trigger": "schedule"`) that is malformed or names an unknown target is a
broken deployment and alerts once; an on-demand one is answered ("rejected") and pages no one.
Settings that do not parse alert once on the `_settings` state, and the first container whose
settings parse says "resolved" (issue 12).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pgdrift.contract import SCHEDULE_TRIGGER
from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.monitor.run import (
    FetchCredentials,
    Publisher,
    RunContext,
    RunRequest,
    RunResult,
    Store,
    reject_request,
    report_failure,
    report_misconfigured,
    resolve_misconfigured,
    run_monitor,
)
from pgdrift.monitor.settings import MonitorSettings


class MonitorEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    target: str = Field(min_length=1, max_length=63)
    mode: Literal["check", "snapshot"] = "check"
    notify: bool = True
    trigger: Literal["schedule", "on_demand"] = "on_demand"


@dataclass(frozen=True)
class Runtime:
    """What a container builds once: the settings and the store and publisher they name."""

    settings: MonitorSettings
    store: Store
    publisher: Publisher | None


#: Stores whose "settings broken" state this container has looked at (once per container).
_CHECKED: weakref.WeakSet[Any] = weakref.WeakSet()


def event_error(error: ValidationError) -> ConfigError:
    problems = "; ".join(f"{'.'.join(str(part) for part in item['loc']) or 'event'}: {item['msg']}"
                         for item in error.errors())
    return ConfigError(f"reading the invocation event: {problems}",
                       'Send {"target": "<name>", "mode": "check"|"snapshot", "notify": true|false}')


def requested_target(event: Any) -> str:
    """The target the event names, if it names one as text (echoed bounded, never trusted)."""
    return str(event["target"]) if isinstance(event, dict) and isinstance(event.get("target"), str) else ""


def invoke(event: Any, runtime: Callable[[], Runtime],
           without_settings: Callable[[], tuple[Store | None, Publisher | None]],
           fetch_credentials: FetchCredentials, context: RunContext) -> RunResult:
    """Read the event, then run, reject or report the broken settings; never raises but for a
    failed publish (so that Lambda retries it)."""
    scheduled = isinstance(event, dict) and event.get("trigger") == SCHEDULE_TRIGGER
    try:
        current = runtime()
    except PgDriftError as error:
        store, publisher = without_settings()
        return report_misconfigured(error, store, publisher, context)
    _resolve_once(current, context)
    try:
        request = MonitorEvent.model_validate(event)
    except ValidationError as error:
        if scheduled:
            return report_failure(event_error(error), None, requested_target(event), current.store,
                                  current.publisher, context)
        return reject_request(event_error(error), requested_target(event), current.store, context)
    return run_monitor(RunRequest(request.target, request.mode, request.notify, scheduled), current.settings,
                       current.store, current.publisher, fetch_credentials, context)


def _resolve_once(current: Runtime, context: RunContext) -> None:
    if current.store in _CHECKED:
        return
    try:
        resolve_misconfigured(current.store, current.publisher, context)
    except PgDriftError:  # the check itself goes on; the next container tries again
        return
    _CHECKED.add(current.store)
