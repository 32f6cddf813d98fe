"""`pgdrift history`, `pgdrift show` and `pgdrift timeline`: reading the monitor's S3 history.

    pgdrift history  --bucket B --target T [--since YYYY-MM-DD]      a table of runs
    pgdrift show     s3://B/KEY [--format text|markdown|json|html]   a stored snapshot or report
    pgdrift timeline --bucket B --target T --object public.providers when did it appear or change?

The layout is `pgdrift.monitor.layout`'s; boto3 is imported only when a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pgdrift.errors import ConfigError, PgDriftError, SnapshotVersionError
from pgdrift.monitor.layout import RunRecord, date_of_runs_key, parse_run_record, runs_prefix
from pgdrift.render import FORMATS
from pgdrift.schema import model, snapshot_io


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    history = subparsers.add_parser("history", help="list the monitor's runs of a target from S3",
                                    description="A table of runs: time, status, revision, fingerprint, findings.")
    _add_bucket_target(history)
    history.add_argument("--since", metavar="YYYY-MM-DD", type=_date, help="only runs on or after this day")
    history.add_argument("--format", choices=("table", "json"), default="table",
                         help="table (default) or JSON Lines (the stored records)")
    history.set_defaults(func=run_history)

    show = subparsers.add_parser("show", help="print a stored snapshot or report (s3://bucket/key)")
    show.add_argument("uri", metavar="S3_URI", help="s3://bucket/key of a snapshot, report or run record")
    show.add_argument("--format", choices=FORMATS, default=None,
                      help="report format (default: as stored); snapshots print as JSON")
    show.set_defaults(func=run_show)

    timeline = subparsers.add_parser("timeline", help="when did an object appear or change (from S3 history)")
    _add_bucket_target(timeline)
    timeline.add_argument("--object", required=True, metavar="NAME",
                          help="qualified name, e.g. public.providers (a table includes its columns etc.)")
    timeline.add_argument("--since", metavar="YYYY-MM-DD", type=_date, help="only runs on or after this day")
    timeline.set_defaults(func=run_timeline)


def _add_bucket_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bucket", required=True, help="the monitor's history bucket")
    parser.add_argument("--target", required=True, help="the target name, as configured in the monitor")


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _store(bucket: str) -> Any:
    try:
        from pgdrift.aws.s3 import S3Store

        return S3Store(bucket)
    except ImportError:
        raise ConfigError("reading the S3 history: boto3 is not installed",
                          "pip install 'pgdrift[aws]'") from None


# ---------------------------------------------------------------------------------------------
# history


def read_records(store: Any, target: str, since: str | None = None) -> list[RunRecord]:
    """The target's run records, oldest first; `since` skips whole date partitions."""
    keys = [key for key in store.keys(runs_prefix(target))
            if key.endswith(".json") and (since is None or (date_of_runs_key(key) or "") >= since)]
    records = [parse_run_record(store.get(key), store.uri(key)) for key in keys]
    return sorted(records, key=lambda record: record.time)


def _findings_cell(record: RunRecord) -> str:
    if record.status == "failed":
        return f"- ({record.error_category})"
    parts = [f"{count} {severity}" for severity, count in record.counts.items() if count]
    return f"{record.findings}" + (f" ({', '.join(parts)})" if parts else "")


def format_table(records: Iterable[RunRecord]) -> str:
    rows = [("TIME", "STATUS", "REVISION", "FINGERPRINT", "FINDINGS")]
    for record in records:
        rows.append((record.time[:19].replace("T", " "), record.status, record.revision or "-",
                     (record.fingerprint or "-").removeprefix("sha256:")[:12], _findings_cell(record)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  "
                     + row[-1] for row in rows) + "\n"


def run_history(arguments: argparse.Namespace) -> int:
    records = read_records(_store(arguments.bucket), arguments.target, arguments.since)
    if not records:
        raise PgDriftError(f"reading the history of target {arguments.target!r} in s3://{arguments.bucket}: "
                           "no run records", "Check the bucket and target names; has the monitor run yet?")
    if arguments.format == "json":
        sys.stdout.write("".join(record.to_line() for record in records))
    else:
        sys.stdout.write(format_table(records))
    return 0


# ---------------------------------------------------------------------------------------------
# show


def render_stored(data: bytes, uri: str, fmt: str | None) -> str:
    """A stored object printed in the asked format: reports in any, snapshots as JSON."""
    if uri.endswith((".md", ".html")) and fmt is None:
        return data.decode("utf-8")
    document = snapshot_io.decode_bytes(data, uri)
    if isinstance(document, dict) and "objects" in document and "meta" in document:
        try:
            return snapshot_io.dumps(snapshot_io.from_document(document, uri))
        except SnapshotVersionError as error:
            # Written by another pgdrift (before an upgrade, say): shown as it is stored.
            print(f"pgdrift: {uri} has format_version {error.version!r} (this pgdrift writes "
                  f"{model.FORMAT_VERSION}): shown as stored, not checked", file=sys.stderr)
            return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if isinstance(document, dict) and "changes" in document and "expected" in document:
        from pgdrift.render import render
        from pgdrift.render.json_report import report_from_json

        return render(report_from_json(document, uri), fmt or "text")
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def run_show(arguments: argparse.Namespace) -> int:
    from pgdrift.cli.sources import read_s3, split_s3_uri

    uri = arguments.uri
    split_s3_uri(uri)  # a clear error for anything that is not s3://bucket/key
    if arguments.format is not None and uri.endswith((".md", ".html")):
        # Markdown and HTML are renderings: any other format is rendered from the report's JSON
        # sibling, which the monitor stores beside them (issue 15: --format text used to fail).
        sibling = uri.rsplit(".", 1)[0] + ".json"
        try:
            data = read_s3(sibling)
        except PgDriftError as error:
            raise PgDriftError(f"showing {uri} as {arguments.format}: only JSON reports and snapshots can be "
                               f"re-rendered, and its JSON sibling {sibling} cannot be read ({error})",
                               f"Show {uri} without --format to print it as stored") from None
        uri = sibling
    else:
        data = read_s3(uri)
    sys.stdout.write(render_stored(data, uri, arguments.format))
    return 0


# ---------------------------------------------------------------------------------------------
# timeline


@dataclass(frozen=True)
class Event:
    time: str
    run_id: str
    fingerprint: str
    what: str  # "present", "appeared", "changed", "removed"
    detail: str = ""


def object_state(snapshot: model.Snapshot, name: str) -> dict[str, Any]:
    """Every object named `name` or belonging to it (a table's columns, indexes...): key -> JSON."""
    found: dict[str, Any] = {}
    prefix = name + "."
    for kind, objects in snapshot.objects.items():
        for key, obj in objects.items():
            table = getattr(obj, "table", None)
            owner = f"{obj.schema}.{table}" if table and hasattr(obj, "schema") else None
            if key == name or owner == name or (key.startswith(prefix) and kind != "schema"):
                found[f"{kind} {key}"] = model.to_json_value(obj, include_volatile=False)
    return found


def _describe_change(before: dict[str, Any], after: dict[str, Any]) -> str:
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    altered = sorted(key for key in before.keys() & after.keys() if before[key] != after[key])
    parts = [f"+{key}" for key in added] + [f"-{key}" for key in removed] + [f"~{key}" for key in altered]
    return "; ".join(parts)


def timeline_events(records: Iterable[RunRecord], load: Any, name: str,
                    skipped: list[str] | None = None) -> Iterator[Event]:
    """Walk the runs in time order; yield when the object's state differs from the run before.
    Snapshots written in another format version are left out (their keys added to `skipped`):
    they record less, and comparing them would report the difference as changes."""
    previous: dict[str, Any] | None = None
    seen_snapshot: str | None = None
    for record in records:
        if not record.snapshot_key or record.snapshot_key == seen_snapshot:
            continue
        seen_snapshot = record.snapshot_key
        try:
            snapshot = load(record.snapshot_key)
        except SnapshotVersionError:
            if skipped is None:
                raise
            skipped.append(record.snapshot_key)
            continue
        state = object_state(snapshot, name)
        event = _event(previous, state)
        if event:
            yield Event(record.time, record.run_id, record.fingerprint or "", event[0], event[1])
        previous = state


def _event(previous: dict[str, Any] | None, state: dict[str, Any]) -> tuple[str, str] | None:
    if previous is None:
        return ("present", f"{len(state)} object(s)") if state else None
    if previous == state:
        return None
    if not previous:
        return "appeared", ", ".join(sorted(state))
    if not state:
        return "removed", ", ".join(sorted(previous))
    return "changed", _describe_change(previous, state)


def run_timeline(arguments: argparse.Namespace) -> int:
    store = _store(arguments.bucket)
    records = read_records(store, arguments.target, arguments.since)
    cache: dict[str, model.Snapshot] = {}

    def load(key: str) -> model.Snapshot:
        if key not in cache:
            cache[key] = snapshot_io.loads(store.get(key), store.uri(key))
        return cache[key]

    skipped: list[str] = []
    events = list(timeline_events(records, load, arguments.object, skipped))
    if skipped:
        print(f"pgdrift: left out {len(skipped)} snapshot(s) written in another format version (by a pgdrift "
              f"before an upgrade): they record less than format {model.FORMAT_VERSION}", file=sys.stderr)
    if not events:
        print(f"{arguments.object}: not found in any of the {len(records)} run(s) of {arguments.target}")
        return 0
    for event in events:
        print(f"{event.time[:19].replace('T', ' ')}  {event.what:<8}  {event.fingerprint[7:19]}  {event.detail}")
    return 0
