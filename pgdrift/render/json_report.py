"""The JSON report: the documented, versioned form of a `Report` (schema: schemas/report.schema.json).

`format_version` changes whenever a field is removed or changes meaning; new optional fields
may appear without a version change.
"""

from __future__ import annotations

import json
from typing import Any

from pgdrift.compare.findings import Change, Hazard, MigrationStatus, PendingMigration, Report, Side, Waiver, plain
from pgdrift.errors import PgDriftError
from pgdrift.render.summary import facts
from pgdrift.vocabulary import Cause, ChangeType, HazardKind, MigrationState, Severity, decode, decode_optional


def change_to_json(change: Change) -> dict[str, Any]:
    waiver = change.waiver
    value: dict[str, Any] = {
        "kind": change.kind,
        "change": change.change,
        "object": change.object,
        "attribute": change.attribute,
        "expected": change.expected,
        "actual": change.actual,
        "severity": change.severity,
        "reason": change.reason,
        "table": change.table,
        "confidence": change.confidence,
        "cause": change.cause,
        "migration": change.migration,
        "waiver": None if waiver is None else {
            "pattern": waiver.pattern, "reason": waiver.reason, "owner": waiver.owner,
            "expires": waiver.expires, "expired": waiver.expired},
        "active": change.active,
    }
    if change.detail:
        value["detail"] = plain(change.detail)
    return value


def side_to_json(side: Side) -> dict[str, Any]:
    return {
        "source": side.source,
        "fingerprint": side.fingerprint,
        "database": side.database,
        "server_version": side.server_version,
        "captured_at": side.captured_at,
        "revisions": list(side.revisions),
        "object_counts": dict(side.object_counts),
    }


def _hazard(hazard: Hazard) -> dict[str, Any]:
    return {"revision": hazard.revision, "type": hazard.type, "object": hazard.object,
            "message": hazard.message, "severity": hazard.severity}


def _pending(pending: PendingMigration) -> dict[str, Any]:
    return {"revision": pending.revision, "date": pending.date, "message": pending.message,
            "changes": [change_to_json(change) for change in pending.changes],
            "hazards": [_hazard(hazard) for hazard in pending.hazards],
            "down_revisions": list(pending.down_revisions)}


def _migrations(status: MigrationStatus) -> dict[str, Any]:
    return {
        "live_revision": ", ".join(status.live_revisions) or None,
        "head_revision": ", ".join(status.head_revisions) or None,
        "migrations": {
            "state": status.state, "detail": status.detail,
            "live_revisions": list(status.live_revisions), "head_revisions": list(status.head_revisions),
            "live_date": status.live_date, "head_date": status.head_date,
        },
        "pending_migrations": [_pending(pending) for pending in status.pending],
        "lag": {"revisions": status.lag_revisions, "days": status.lag_days},
    }


def report_to_json(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict that validates against the report schema."""
    summary = facts(report)
    document: dict[str, Any] = {
        "format_version": report.format_version,
        "title": report.title,
        "generated_at": report.generated_at,
        "status": report.status,
        "highest_severity": report.highest_severity,
        "summary": {
            "total": len(report.changes), "active": summary.active, "waived": summary.waived,
            "expired_waivers": summary.expired_waivers, "by_severity": summary.by_severity,
            "by_change": summary.by_change, "by_kind": summary.by_kind,
        },
        "expected": side_to_json(report.expected),
        "actual": side_to_json(report.actual),
        "changes": [change_to_json(change) for change in report.changes],
    }
    if report.migrations is not None:
        document.update(_migrations(report.migrations))
    return document


def dumps_report(document: dict[str, Any]) -> str:
    """A report's JSON form (`report_to_json`) as text."""
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def render_json(report: Report) -> str:
    return dumps_report(report_to_json(report))


# ---------------------------------------------------------------------------------------------
# The inverse: a stored JSON report back into data (for `pgdrift show s3://...`)


def _change_from_json(value: dict[str, Any]) -> Change:
    waiver = value.get("waiver")
    name = value["object"]
    return Change(kind=value["kind"], change=decode(ChangeType, value["change"], f"the change of {name}"),
                  object=name, attribute=value.get("attribute"), expected=value.get("expected"),
                  actual=value.get("actual"),
                  severity=decode(Severity, value.get("severity", Severity.MEDIUM), f"the severity of {name}"),
                  reason=value.get("reason", ""), table=value.get("table"), confidence=value.get("confidence"),
                  cause=decode_optional(Cause, value.get("cause"), f"the cause of {name}"),
                  migration=value.get("migration"), waiver=Waiver(**waiver) if waiver else None,
                  detail=value.get("detail") or {})


def _hazard_from_json(value: dict[str, Any]) -> Hazard:
    what = f"the hazard of {value.get('revision')} on {value.get('object')}"
    return Hazard(**{**value, "type": decode(HazardKind, value.get("type"), f"the type of {what}"),
                     "severity": decode(Severity, value.get("severity", Severity.HIGH), f"the severity of {what}")})


def _side_from_json(value: dict[str, Any]) -> Side:
    return Side(source=value["source"], fingerprint=value["fingerprint"], database=value.get("database"),
                server_version=value.get("server_version"), captured_at=value.get("captured_at"),
                revisions=tuple(value.get("revisions") or ()),
                object_counts=tuple(sorted((value.get("object_counts") or {}).items())))


def _migrations_from_json(document: dict[str, Any]) -> MigrationStatus | None:
    status = document.get("migrations")
    if not status:
        return None
    pending = tuple(PendingMigration(revision=item["revision"], date=item.get("date"), message=item["message"],
                                     changes=tuple(_change_from_json(change) for change in item.get("changes", ())),
                                     hazards=tuple(_hazard_from_json(hazard) for hazard in item.get("hazards", ())),
                                     down_revisions=tuple(item.get("down_revisions", ())))
                    for item in document.get("pending_migrations", ()))
    lag = document.get("lag") or {}
    return MigrationStatus(live_revisions=tuple(status["live_revisions"]),
                           head_revisions=tuple(status["head_revisions"]),
                           state=decode(MigrationState, status["state"], "the migration state"),
                           detail=status.get("detail"), live_date=status.get("live_date"),
                           head_date=status.get("head_date"), lag_revisions=lag.get("revisions"),
                           lag_days=lag.get("days"), pending=pending)


def report_from_json(document: dict[str, Any], source: str) -> Report:
    """A stored JSON report back into a `Report`, so it can be rendered in any format."""
    try:
        return Report(expected=_side_from_json(document["expected"]), actual=_side_from_json(document["actual"]),
                      changes=tuple(_change_from_json(change) for change in document["changes"]),
                      generated_at=document["generated_at"], migrations=_migrations_from_json(document),
                      title=document.get("title", "Schema drift report"))
    except (KeyError, TypeError, ValueError) as error:
        raise PgDriftError(f"reading the report {source}: {type(error).__name__}: {error}",
                           "The object is not a pgdrift JSON report") from None
    except PgDriftError as error:  # a word outside the vocabulary (see pgdrift.vocabulary)
        raise PgDriftError(f"reading the report {source}: {error}",
                           "The object is not a pgdrift JSON report, or a newer pgdrift wrote it") from None
