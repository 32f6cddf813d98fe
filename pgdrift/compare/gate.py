"""The exit policy of `pgdrift check` and `compare` (issue 15): which findings fail a gate.

A database behind head is the normal state between a merge and a deploy, so a gate that fails
whenever a migration is pending cannot stand before `alembic upgrade`. `--fail-on` names what
counts: out-of-band findings, hazards of pending migrations (or only their conflicts with
out-of-band changes), pending migrations (being behind, branched, or without a version table), or
any of them. The default is out-of-band findings and hazards: what a deploy must not run into
unseen, data loss included. A post-deploy gate asks for `any`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pgdrift.compare.findings import Report
from pgdrift.errors import ConfigError
from pgdrift.vocabulary import Cause, HazardKind, MigrationState


class FailOn(StrEnum):
    """What fails a gate (`--fail-on`)."""

    OUT_OF_BAND = "out-of-band"  # active findings no migration explains
    HAZARD = "hazard"  # a pending migration will conflict or lose data
    CONFLICT = "conflict"  # a pending migration will conflict (its destructive operations pass)
    PENDING = "pending"  # not at head: behind, branched, no version table, pending findings
    ANY = "any"  # all of the above: the database must be at head and clean


DEFAULT_FAIL_ON: frozenset[FailOn] = frozenset({FailOn.OUT_OF_BAND, FailOn.HAZARD})
_EVERYTHING = frozenset({FailOn.OUT_OF_BAND, FailOn.HAZARD, FailOn.PENDING})


def parse_fail_on(values: Iterable[str]) -> frozenset[FailOn]:
    """`["out-of-band,hazard", "pending"]` as a set of conditions (`any` standing for all of them);
    nothing given is the default."""
    words = [word.strip() for value in values for word in value.split(",") if word.strip()]
    if not words:
        return DEFAULT_FAIL_ON
    conditions = set()
    for word in words:
        try:
            conditions.add(FailOn(word))
        except ValueError:
            choices = ", ".join(member.value for member in FailOn)
            raise ConfigError(f"reading --fail-on: {word!r} is not one of {choices}",
                              "For example: --fail-on out-of-band,hazard") from None
    return _EVERYTHING if FailOn.ANY in conditions else frozenset(conditions)


def gate_failures(report: Report, fail_on: frozenset[FailOn]) -> list[str]:
    """Why `report` fails a gate that fails on `fail_on`, one phrase per condition met; empty
    when it passes. Waived findings never count."""
    reasons = []
    if FailOn.OUT_OF_BAND in fail_on:
        # A finding with no cause is unexplained too: against a plain snapshot, or a database
        # whose revision is unknown.
        count = sum(1 for change in report.active_changes if change.cause in (Cause.OUT_OF_BAND, None))
        if count:
            reasons.append(f"{count} out-of-band finding(s)")
    migrations = report.migrations
    if fail_on & {FailOn.HAZARD, FailOn.CONFLICT} and migrations is not None:
        hazards = [hazard for pending in migrations.pending for hazard in pending.hazards
                   if FailOn.HAZARD in fail_on or hazard.type == HazardKind.CONFLICT]
        if hazards:
            reasons.append(f"{len(hazards)} hazard(s) in pending migrations")
    if FailOn.PENDING in fail_on:
        behind = migrations is not None and migrations.state != MigrationState.AT_HEAD
        pending = sum(1 for change in report.active_changes if change.cause == Cause.PENDING_MIGRATION)
        if behind or pending:
            assert migrations is not None  # a pending finding comes with a migration status
            lag = f", {migrations.lag_revisions} migration(s) pending" if migrations.lag_revisions else ""
            reasons.append(f"not at head ({migrations.state}{lag})")
    return reasons
