"""The situation of a report: out-of-band findings, pending migrations with their effects, hazards."""

from __future__ import annotations

from pgdrift.compare.findings import Change, Hazard, MigrationStatus, PendingMigration, Report, Side, Waiver
from pgdrift.compare.situation import effects, headline, plural, situation
from pgdrift.vocabulary import Cause, ChangeType, HazardKind, MigrationState

CREDENTIALS = "20260115_0300"
BLUESHIFT = "20260131_0000"


def _missing(kind: str, name: str, table: str | None = None, cause: Cause | None = None,
             migration: str | None = None) -> Change:
    return Change(kind=kind, change=ChangeType.MISSING, object=name, table=table, cause=cause, migration=migration)


def _columns(table: str, *names: str, migration: str | None = None) -> list[Change]:
    cause = Cause.PENDING_MIGRATION if migration else None
    return [_missing("column", f"{table}.{name}", table, cause, migration) for name in names]


def _report(changes: list[Change], status: MigrationStatus | None) -> Report:
    side = Side(source="postgresql://app@rds/app", fingerprint="sha256:0", database="production")
    return Report(expected=side, actual=side, changes=tuple(changes), generated_at="2026-02-02T20:30:00Z",
                  migrations=status)


def _behind() -> Report:
    pending_columns = _columns("public.providers", "gender", "race", migration=BLUESHIFT)
    payment = _missing("table", "public.payment_methods", cause=Cause.PENDING_MIGRATION, migration=BLUESHIFT)
    hand_dropped = Change(kind="column", change=ChangeType.MISSING, object="public.licenses.portal_pin",
                          table="public.licenses", cause=Cause.OUT_OF_BAND, migration="20260115_0100")
    hand_made = Change(kind="table", change=ChangeType.UNEXPECTED, object="public.session", cause=Cause.OUT_OF_BAND)
    waived = Change(kind="table", change=ChangeType.UNEXPECTED, object="public.legacy_exports",
                    cause=Cause.OUT_OF_BAND, waiver=Waiver("legacy_*", "INC-42", "@dp", "2026-03-01"))
    drop = Hazard(CREDENTIALS, HazardKind.DESTRUCTIVE, "public.providers.credential_summary", "drops a column")
    pending = (
        PendingMigration(CREDENTIALS, "2026-01-15T03:00:00Z", "add provider credentials", hazards=(drop,)),
        PendingMigration(BLUESHIFT, "2026-01-31T00:00:00Z", "add blueshift provider fields",
                         changes=(payment, *pending_columns)),
    )
    status = MigrationStatus(live_revisions=("20260115_0200",), head_revisions=(BLUESHIFT,),
                             state=MigrationState.BEHIND, lag_revisions=2, lag_days=15.92, pending=pending)
    return _report([hand_dropped, payment, *pending_columns, hand_made, waived], status)


def test_findings_a_pending_migration_explains_are_folded_under_it() -> None:
    # Given a report behind head with two hand changes, three pending findings and a waived one
    report = _behind()

    # When its situation is computed
    found = situation(report, "prod")

    # Then the out-of-band findings stand alone, in report order, each with the migration that shaped it
    assert [(c.object, c.migration) for c in found.out_of_band] == [
        ("public.licenses.portal_pin", "20260115_0100"), ("public.session", None)]
    # and the pending findings sit under the migration that explains them
    assert [step.revision for step in found.pending] == [CREDENTIALS, BLUESHIFT]
    assert found.pending[0].findings == ()
    assert [c.object for c in found.pending[1].findings] == [
        "public.payment_methods", "public.providers.gender", "public.providers.race"]
    assert [h.object for h in found.hazards] == ["public.providers.credential_summary"]
    assert [c.object for c in found.waived] == ["public.legacy_exports"]
    assert found.unplaced == ()
    assert found.headline == "prod: 2 out-of-band changes · 2 migrations pending (15.9 days) · 1 hazard"


def test_the_name_defaults_to_the_actual_database() -> None:
    assert situation(_behind()).headline.startswith("production: ")


def test_a_report_without_a_ledger_counts_differences() -> None:
    report = _report(_columns("public.providers", "gender"), None)
    found = situation(report, "prod")
    assert found.out_of_band == report.changes
    assert found.headline == "prod: 1 difference from the expected schema"


def test_the_headline_says_where_the_migrations_stand() -> None:
    assert headline("prod", 0, MigrationState.AT_HEAD, 0, 0.0, 0) == \
        "prod: 0 out-of-band changes · 0 migrations pending, at head · 0 hazards"
    assert "diverged: 3 migrations pending (2.0 days)" in headline("a", 1, MigrationState.BRANCHED, 3, 2.0, 0)
    assert "migration state unknown" in headline("a", 1, MigrationState.AHEAD_OR_UNKNOWN, 0, None, 0)


def test_effects_say_what_a_migration_does_in_a_line() -> None:
    tables = [_missing("table", f"public.{name}") for name in ("threads", "channels", "thread_messages")]
    columns = _columns("public.providers", *(f"c{number}" for number in range(20)))
    labels = Change(kind="enum", change=ChangeType.ALTERED, object="public.workflow_action_type",
                    attribute="labels", expected=["created", "stage_changed"], actual=["created"])
    dropped = Change(kind="column", change=ChangeType.UNEXPECTED, object="public.providers.credential_summary",
                     table="public.providers")
    indexes = [_missing("index", f"public.ix_{number}") for number in range(2)]
    assert effects([*tables, *columns, labels, dropped, *indexes]) == (
        "creates 3 tables; adds 20 columns to providers; drops column providers.credential_summary; "
        "adds enum label stage_changed to workflow_action_type; creates 2 indexes")
    assert effects([_missing("table", "public.payment_methods")]) == "creates table payment_methods"
    assert effects([]) == "no schema changes"


def test_a_stored_report_without_pending_changes_summarises_its_findings() -> None:
    # Given a pending migration stored without its own changes (reports before issue 15)
    report = _behind()
    assert report.migrations is not None
    status = report.migrations
    bare = tuple(PendingMigration(p.revision, p.date, p.message, (), p.hazards) for p in status.pending)
    old = _report(list(report.changes), MigrationStatus(**{**status.__dict__, "pending": bare}))
    # Then the findings it explains say what it does
    assert situation(old).pending[1].effects == "creates table payment_methods; adds 2 columns to providers"


def test_plural_words() -> None:
    assert [plural(1, "hazard"), plural(2, "index"), plural(2, "policy"), plural(0, "change")] == [
        "1 hazard", "2 indexes", "2 policies", "0 changes"]
