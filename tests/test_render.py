"""Reports in every format, rendered from the same change data."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, date, datetime

import jsonschema
import pytest

from pgdrift.compare.analyze import analyze, make_report
from pgdrift.compare.config import DriftConfig, parse_config
from pgdrift.compare.findings import Hazard, MigrationStatus, PendingMigration, Report
from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.render import FORMATS, render, report_to_json
from pgdrift.schema import model
from pgdrift.vocabulary import Cause, HazardKind, MigrationState
from tests.drift_support import report_schema, snapshot

NOW = datetime(2026, 2, 2, 20, 30, tzinfo=UTC)
SESSION = {"id": "bigint", "token": "text"}
EXPECTED = snapshot({
    "providers": {"id": "integer", "gender": "text", "npi": "character varying(10)", "home_zip": "text"},
    "payment_methods": {"id": "integer", "brand": "text"},
    "sessions": SESSION,
    "legacy_exports": {"id": "integer"},
}, extra=[model.Table("public", "<b>odd|name</b>", "table", "permanent", comment="x")])
ACTUAL = snapshot({
    "providers": {"id": "integer", "npi": "character varying(20)"},
    "session": SESSION,
    "tmp_import": {"line": "text"},
})
WAIVERS = parse_config('[[waiver]]\npattern = "legacy_*"\nreason = "INC-42"\nowner = "@dp"\nexpires = 2026-03-01\n')


def _report(migrations: MigrationStatus | None = None) -> Report:
    config = DriftConfig(waivers=WAIVERS.waivers, today=date(2026, 2, 2))
    changes = analyze(EXPECTED, ACTUAL, config)
    return make_report(EXPECTED, ACTUAL, changes, expected_source="local", actual_source="postgresql://app:***@rds/app",
                       migrations=migrations, now=NOW)


def _migrations(report: Report) -> MigrationStatus:
    payment = next(c for c in report.changes if c.object == "public.payment_methods")
    pending = (
        PendingMigration("20260115_0300", "2026-01-15T03:00:00Z", "add provider credentials", ()),
        PendingMigration("20260131_0000", "2026-01-31T00:00:00Z", "add blueshift provider fields", (payment,),
                         (Hazard("20260131_0000", HazardKind.DESTRUCTIVE, "public.providers.legacy",
                                 "drops a column"),)),
    )
    return MigrationStatus(live_revisions=("20260115_0200",), head_revisions=("20260131_0000",),
                           state=MigrationState.BEHIND,
                           live_date="2026-01-15T02:00:00Z", head_date="2026-01-31T00:00:00Z", lag_revisions=2,
                           lag_days=16.0, pending=pending)


@pytest.mark.parametrize("with_migrations", [False, True])
def test_the_json_report_validates_and_counts_exactly(with_migrations: bool) -> None:
    report = _report()
    if with_migrations:
        report = _report(_migrations(report))
    document = json.loads(render(report, "json"))
    jsonschema.validate(document, report_schema())
    assert document == report_to_json(report)
    assert document["summary"]["total"] == len(report.changes) == len(document["changes"])
    assert document["summary"]["waived"] == 1
    assert document["summary"]["active"] == len(report.changes) - 1
    assert document["summary"]["by_severity"] == report.counts_by_severity()
    assert sum(document["summary"]["by_severity"].values()) == document["summary"]["active"]
    assert all(change["reason"] for change in document["changes"])
    assert ("pending_migrations" in document) is with_migrations
    if with_migrations:
        assert document["lag"] == {"revisions": 2, "days": 16.0}
        assert [p["revision"] for p in document["pending_migrations"]] == ["20260115_0300", "20260131_0000"]
        assert document["pending_migrations"][1]["hazards"][0]["type"] == "destructive"
        assert document["live_revision"] == "20260115_0200"


def test_the_schema_rejects_a_change_without_a_severity() -> None:
    document = report_to_json(_report())
    del document["changes"][0]["severity"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, report_schema())


def test_markdown_follows_the_structure_of_the_seed_report() -> None:
    text = render(_report(), "markdown")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    # issue 15: without a ledger there is no out-of-band/pending split, no pending migrations and no
    # plan; the rename candidate still asks for data to move
    assert headings == ["## Executive Summary", f"## Differences ({len(_report().active_changes)})",
                        "## Table Count Summary", "## Part 1: Missing Tables and Columns (5)",
                        "## Part 2: Tables Not Expected (1)", "## Part 3: Column-Level Drift",
                        "## Part 4: Other Objects", "## Part 5: Risk Assessment", "## Part 6: Data Integrity",
                        "## Part 7: Recommendations", "## Summary Statistics"]
    # exact figures, never "22+" or "~16"
    assert "- **3 tables** expected but missing" in text
    assert "- **1 table** present but not expected" in text
    assert "- **2 columns** missing from existing tables" in text
    assert "Expected: 5 tables" in text and "Actual:   3 tables" in text and "Difference: -2 tables" in text
    assert not re.search(r"\d\+|~\d", text)
    assert "`public.sessions`" in text and "`public.session`" in text  # the rename candidate
    assert "waived until 2026-03-01 by @dp" in text
    assert "Migration Status" not in text


def test_markdown_shows_migrations_when_they_are_known() -> None:
    base = _report()
    text = render(_report(_migrations(base)), "markdown")
    assert "## Migration Status" in text
    assert "| **Live (actual)** | `20260115_0200` | 2026-01-15 02:00 |" in text
    assert "| **Gap** | 16 days | 2 migrations |" in text
    # issue 15: the pending migrations lead the report, each with what it does
    row = "| `20260131_0000` | 2026-01-31 00:00 | add blueshift provider fields | creates table payment_methods | 1 |"
    assert row in text
    assert text.index("## Executive Summary") < text.index("## Part 5: Pending Migrations (2, 16.0 days)") < \
        text.index("### Hazards of the pending migrations (1)") < text.index("## Part 8: Migration Application Plan")
    assert "drops a column" in text
    assert "Migrations pending:" in text and "Migration lag:" in text


def test_markdown_escapes_table_cells() -> None:
    text = render(_report(), "markdown")
    assert r"<b>odd\|name</b>" in text


def test_text_is_plain_unless_colour_is_asked_for() -> None:
    report = _report()
    plain, coloured = render(report, "text"), render(report, "text", color=True)
    assert "\033[" not in plain
    assert "\033[1;31m[critical]" in coloured  # issue 15: a severity tag per finding, no severity headings
    assert re.sub(r"\033\[[0-9;]*m", "", coloured) == plain
    assert all(change.reason in plain for change in report.changes)


def test_text_leads_with_the_three_answers() -> None:
    # Given a report behind head, whose payment_methods finding a pending migration explains
    base = _report()
    payment = next(c for c in base.changes if c.object == "public.payment_methods")
    explained = [dataclasses.replace(c, cause=Cause.PENDING_MIGRATION, migration="20260131_0000") if c is payment
                 else dataclasses.replace(c, cause=Cause.OUT_OF_BAND) for c in base.changes]
    report = dataclasses.replace(base, changes=tuple(explained), migrations=_migrations(base))
    # When it is rendered as text
    lines = render(report, "text", target="prod").splitlines()
    # Then the headline counts the three answers and the sections follow in that order
    out_of_band = len([c for c in report.active_changes if c.object != "public.payment_methods"])
    assert lines[0] == f"prod: {out_of_band} out-of-band changes · 2 migrations pending (16.0 days) · 1 hazard"
    titles = [line for line in lines if line and line[0].isupper() and "(" in line and not line.startswith("Schema")]
    assert [title.split(" (")[0].split(":")[0] for title in titles] == ["OUT OF BAND", "PENDING MIGRATIONS",
                                                                        "HAZARDS", "WAIVED"]
    # and the explained finding is folded under its migration, not listed out of band
    assert payment.reason not in "\n".join(lines)
    assert "  20260131_0000 (2026-01-31) add blueshift provider fields: creates table payment_methods [1 hazard]" \
        in lines


def test_html_is_self_contained_escaped_and_grouped_by_severity() -> None:
    page = render(_report(_migrations(_report())), "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)
    assert "<script" not in page and "<link" not in page
    assert "<b>odd|name</b>" not in page and "&lt;b&gt;odd|name&lt;/b&gt;" in page
    assert "<svg" in page
    order = [page.index(f">{title} (") for title in ("Critical", "Medium", "Low") if f">{title} (" in page]
    assert order == sorted(order) and len(order) >= 2
    assert "add blueshift provider fields" in page


def test_a_clean_report_says_so_in_every_format() -> None:
    report = make_report(EXPECTED, EXPECTED, analyze(EXPECTED, EXPECTED), expected_source="a", actual_source="b",
                         now=NOW)
    assert report.status == "clean"
    assert "no drift" in render(report, "text") and "No differences." in render(report, "text")
    assert "NO DRIFT" in render(report, "markdown")
    assert json.loads(render(report, "json"))["changes"] == []
    assert "No differences." in render(report, "html")


def test_every_format_renders_and_an_unknown_one_is_refused() -> None:
    report = _report()
    assert all(render(report, fmt).strip() for fmt in FORMATS)
    with pytest.raises(ConfigError, match="unknown format 'pdf'"):
        render(report, "pdf")


@pytest.mark.parametrize("with_migrations", [False, True], ids=["plain", "with-migrations"])
def test_a_stored_json_report_reads_back_to_the_same_report(with_migrations: bool) -> None:
    from pgdrift.render.json_report import report_from_json

    report = _report()
    if with_migrations:
        report = _report(_migrations(report))
    stored = json.loads(json.dumps(report_to_json(report)))  # as `pgdrift show` reads it from S3
    again = report_from_json(stored, "s3://bucket/report.json")
    for fmt in FORMATS:
        assert render(again, fmt) == render(report, fmt)
    with pytest.raises(PgDriftError, match="not a pgdrift JSON report"):
        report_from_json({"changes": []}, "s3://bucket/other.json")


@pytest.mark.parametrize(("field", "word"), [("severity", "hihg"), ("change", "alterd"), ("cause", "out-of-band")])
def test_a_stored_report_with_a_word_outside_the_vocabulary_is_a_clear_error(field: str, word: str) -> None:
    from pgdrift.render.json_report import report_from_json

    # Given a stored report whose first finding carries a misspelt severity, change or cause
    stored = json.loads(json.dumps(report_to_json(_report())))
    name = stored["changes"][0]["object"]
    stored["changes"][0][field] = word
    # When it is read back, Then the error names the report, the field, the object and the bad word
    with pytest.raises(PgDriftError, match=rf"reading the report s3://b/r.json: the {field} of {re.escape(name)}: "
                                           rf"'{word}' is not one of "):
        report_from_json(stored, "s3://b/r.json")


def test_a_stored_report_reads_back_as_members_of_the_vocabulary() -> None:
    from pgdrift.render.json_report import report_from_json
    from pgdrift.vocabulary import ChangeType, MigrationState, Severity

    report = _report()
    report = _report(_migrations(report))
    again = report_from_json(json.loads(json.dumps(report_to_json(report))), "s3://b/r.json")
    assert again.changes and all(type(change.severity) is Severity and type(change.change) is ChangeType
                                 for change in again.changes)
    assert again.migrations is not None and type(again.migrations.state) is MigrationState


def test_a_long_definition_shows_the_part_that_differs() -> None:
    # Given a CHECK constraint whose long definition gained a value after a long shared beginning
    values = ["'APP'", "'WEB'", "'EMAIL'"]
    check = "CHECK (((channel)::text = ANY ((ARRAY[{}])::text[])))"
    listed = ", ".join(f"{value}::character varying" for value in values)
    widened = ", ".join(f"{value}::character varying" for value in [values[0], "'SMS'", *values[1:]])
    expected = snapshot({"messages": {"id": "bigint", "channel": "text"}}, extra=[
        model.Constraint("public", "messages", "ck_channel", "check", check.format(listed))])
    actual = snapshot({"messages": {"id": "bigint", "channel": "text"}}, extra=[
        model.Constraint("public", "messages", "ck_channel", "check", check.format(widened))])

    # When it is reported
    report = make_report(expected, actual, analyze(expected, actual), expected_source="a", actual_source="b", now=NOW)

    # Then the text and markdown reports show the added value, marked as added, with some context
    for fmt in ("text", "markdown"):
        assert "varying, {+'SMS'::character varying, +}'WEB'" in render(report, fmt)


def test_counts_of_objects_use_each_kind_s_plural() -> None:
    # Given a table no migration made, with two indexes and one policy of its own (issue 15: "2 indexs")
    extra: list[object] = [model.Index("public", "tmp_import", name, f"CREATE INDEX {name} ON public.tmp_import (line)")
             for name in ("tmp_import_a", "tmp_import_b")]
    extra.append(model.Policy("public", "tmp_import", "mine", "all", True, ("public",), using="true"))
    actual = snapshot({"tmp_import": {"line": "text"}}, extra=extra)
    changes = analyze(snapshot({}), actual)
    report = make_report(snapshot({}), actual, changes, expected_source="local", actual_source="live", now=NOW)

    # When it is explained and rendered
    (table,) = [c for c in changes if c.object == "public.tmp_import"]
    rendered = {fmt: render(report, fmt) for fmt in ("text", "markdown", "html")}

    # Then each count is said in the kind's own plural, the reason and every format alike
    assert table.reason.startswith("table public.tmp_import exists but is not expected "
                                   "(with its 1 column, 2 indexes, 1 policy)")
    assert "2 indexes, 1 policy" in rendered["markdown"]
    assert [fmt for fmt, text in rendered.items() if "indexs" in text or "policys" in text] == []


@pytest.mark.parametrize(("message", "shown"), [
    ("connecting to h: Can't create a connection to host h and port 5432 (timeout is None).",
     "connecting to h: Can't create a connection to host h and port 5432 (timeout is None). Check the DSN"),
    ("connecting to h: is the server running?", "connecting to h: is the server running? Check the DSN"),
    ("connecting to h: refused", "connecting to h: refused. Check the DSN"),
])
def test_an_error_and_its_remedy_read_as_sentences(message: str, shown: str) -> None:
    # A message that ends its own sentence takes no second period before the remedy (issue 15: "..")
    assert str(PgDriftError(message, "Check the DSN")) == shown
