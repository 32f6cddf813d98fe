"""The credentialmate example recreates the 2026-02-02 report's timeline; pgdrift answers it exactly."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from demo.scenario import PRODUCTION_REVISION, DemoEnvironment, answers, prepare_demo, run_cli
from pgdrift.compare.analyze import analyze, make_report
from pgdrift.compare.findings import Report
from pgdrift.migrations import ledger as ledger_module
from pgdrift.migrations.check import check, compare
from pgdrift.migrations.ledger import Ledger
from pgdrift.render import render
from tests.alembic_projects.support import snapshot
from tests.conftest import _get_server
from tests.drift_support import contradictions
from tests.golden import CASES, case_config, case_snapshot
from tests.support import TestServer

HEAD = "20260131_0000_add_blueshift_provider_fields"
#: The seed report's Part 3, with full revision ids: 1 on the main line, 12 on the late-merged branch, 3 after.
PENDING = {
    "20260115_0300_add_provider_credentials_table",
    "20260108_0200_add_specialty_conditional_fields",
    "20260108_0400_add_team_messaging_tables",
    "20260108_0500_add_applicability_constraints",
    "20260109_0100_add_duplicate_handling_infrastructure",
    "20260109_0200_create_accuracy_tables",
    "20260109_0300_add_report_generation_tables",
    "20260110_0100_add_board_specific_course_fields",
    "20260110_0200_add_normalized_topic_column",
    "20260111_0100_add_cme_rule_state_specific",
    "20260112_0100_add_cme_rule_source_restricted",
    "20260114_0100_add_batch_state_coverage_indexes",
    "20260114_1830_add_campaign_started_at",
    "20260127_0100_add_stage_changed_action_type",
    "7702d353e5b8",
    HEAD,
}
#: The seed report's Part 1: tables in dev that production lacks.
NEW_TABLES = {
    "accuracy_test_results",
    "accuracy_test_runs",
    "ground_truth_documents",
    "duplicate_events",
    "duplicate_review_queue",
    "threads",
    "thread_messages",
    "channels",
    "report_access_logs",
    "provider_credentials",
    "payment_methods",
    "coordinator_notification_preferences",
}


@pytest.fixture(scope="module")
def demo(
    _servers: dict[str, TestServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoEnvironment]:
    server = _get_server(_servers, "pg18")
    assert server.embedded is not None
    yield prepare_demo(tmp_path_factory.mktemp("demo"), server=server.embedded, prefix=f"cm{os.getpid()}_")


@pytest.fixture(scope="module")
def production_report(demo: DemoEnvironment) -> Report:
    return check(snapshot(demo.production_dsn), demo.ledger)


def test_the_example_graph(demo: DemoEnvironment) -> None:
    ledger = demo.ledger
    assert ledger.heads == (HEAD,)
    assert len(ledger.revisions) == 29
    merge = ledger.by_id["20260127_0100_add_stage_changed_action_type"]
    assert merge.down_revisions == (
        "20260115_0300_add_provider_credentials_table",
        "20260114_1830_add_campaign_started_at",
    )
    assert ledger.by_id["7702d353e5b8"].create_date == "2026-01-27T11:21:00"
    assert len(ledger.head_snapshot.of_kind("table")) == 65
    assert len(ledger.expected_at(PRODUCTION_REVISION).of_kind("table")) == 53


def test_production_status_matches_the_seed_timeline(production_report: Report) -> None:
    status = production_report.migrations
    assert status is not None and status.state == "behind"
    assert status.live_revisions == (PRODUCTION_REVISION,) and status.head_revisions == (HEAD,)
    assert {p.revision for p in status.pending} == PENDING and len(status.pending) == 16
    assert status.lag_revisions == 16 and status.lag_days == 15.92
    created = {
        c.object.removeprefix("public.")
        for c in production_report.changes
        if c.kind == "table" and c.change == "missing" and c.cause == "pending_migration"
    }
    assert created == NEW_TABLES
    blueshift = [c for c in production_report.changes if c.migration == HEAD and c.kind == "column"]
    assert len(blueshift) == 20


def test_out_of_band_findings_in_production(production_report: Report) -> None:
    out_of_band = {
        (c.kind, c.change, c.object): c.migration
        for c in production_report.changes
        if c.cause == "out_of_band"
    }
    assert out_of_band == {
        ("table", "unexpected", "public.session"): None,
        ("table", "unexpected", "public.team_channels"): None,
        ("index", "unexpected", "public.ix_licenses_state_status"): None,
        ("column", "missing", "public.licenses.portal_pin"): "20260115_0100_add_license_portal_fields",
        ("column", "missing", "public.licenses.renewal_notes"): "20260115_0100_add_license_portal_fields",
    }
    assert contradictions(production_report.changes) == []
    # The bigserial's sequence comes and goes with its table: one finding, not two.
    (team_channels,) = [c for c in production_report.changes if c.object == "public.team_channels"]
    assert team_channels.detail["children"]["sequence"] == 1


HEADLINE = "prod: 5 out-of-band changes · 16 migrations pending (15.9 days) · 3 hazards"
OUT_OF_BAND_OBJECTS = ("public.session", "public.team_channels", "public.ix_licenses_state_status",
                       "public.licenses.portal_pin", "public.licenses.renewal_notes")


def test_every_output_leads_with_the_three_answers(production_report: Report) -> None:
    """Issue 15: the first line says out of band, pending and hazards, in every format and alert."""
    from datetime import UTC, datetime

    from pgdrift.notify.alerting import Notification, Outcome, alerting_findings, decide, notify_report
    from pgdrift.render import render
    from pgdrift.render.email import render_email
    from pgdrift.render.slack import render_slack

    # Given production, behind head with hand changes, alerted for the first time via SNS JSON
    now = datetime(2026, 2, 2, 20, 30, tzinfo=UTC)
    decision = decide(None, Outcome(alerting_findings(production_report)), "r1", now)
    notification = Notification.from_json(
        notify_report(decision, production_report, "prod", "r1", now.isoformat()).to_json())
    # When each output is rendered, then its first line counts the three answers
    assert render(production_report, "text", target="prod").splitlines()[0] == HEADLINE
    assert render(production_report, "markdown", target="prod").splitlines()[0] == f"# {HEADLINE}"
    assert f"<h1>{HEADLINE}</h1>" in render(production_report, "html", target="prod")
    email = render_email(notification)
    assert email.splitlines()[0] == "pgdrift " + HEADLINE.replace(" · ", ", ")
    slack = render_slack(notification)
    assert slack["blocks"][0]["text"]["text"] == f"Schema drift · {HEADLINE}"
    # and the Slack message names every out-of-band object in at most 40 lines
    texts = [block["text"]["text"] for block in slack["blocks"] if "text" in block]
    lines = [line for text in texts for line in text.splitlines()]
    assert all(any(name in line for line in lines) for name in OUT_OF_BAND_OBJECTS)
    assert len(lines) + 3 <= 40  # and the divider, the button and the context
    # and findings a pending migration explains are not listed out of band
    assert "public.payment_methods" not in "\n".join(texts)
    assert "add team messaging tables: creates 3 tables" in "\n".join(texts)
    assert "… and 6 more" in "\n".join(texts)  # ten pending migrations of 16 are shown


def test_hazards_of_the_pending_migrations(production_report: Report) -> None:
    assert production_report.migrations is not None
    hazards = {
        (h.revision, h.type, h.object) for p in production_report.migrations.pending for h in p.hazards
    }
    assert hazards == {
        ("20260114_0100_add_batch_state_coverage_indexes", "conflict", "public.ix_licenses_state_status"),
        ("20260114_1830_add_campaign_started_at", "destructive", "public.campaigns.name"),
        (
            "20260115_0300_add_provider_credentials_table",
            "destructive",
            "public.providers.credential_summary",
        ),
    }


def test_the_statements_cost_little_of_the_ledger(demo: DemoEnvironment) -> None:
    # Given the example's 29 revisions, each with the statements its upgrade() sent (issue 15)
    ledger = demo.ledger
    assert all(revision.statements for revision in ledger.revisions if len(revision.down_revisions) < 2)
    # Then the artifact grows by little against the same ledger without them (bench/README.md: figures)
    bare = Ledger([replace(revision, statements=None) for revision in ledger.revisions], ledger.heads,
                  ledger.head_snapshot, ledger.source, ledger.built_at)
    with_statements, without = len(ledger_module.dumps(ledger)), len(ledger_module.dumps(bare))
    assert without < with_statements < 1.2 * without, (with_statements, without)


def test_dev_is_at_head_and_clean(demo: DemoEnvironment) -> None:
    report = check(snapshot(demo.dev_dsn), demo.ledger)
    assert report.migrations is not None and report.migrations.state == "at_head"
    assert report.changes == ()
    code, _ = run_cli(["check", demo.dev_dsn, "--expected", str(demo.ledger_path)])
    assert code == 0


def test_compare_production_with_dev(demo: DemoEnvironment) -> None:
    report = compare(
        snapshot(demo.production_dsn), snapshot(demo.dev_dsn), demo.ledger, labels=("production", "dev")
    )
    assert report.migrations is not None and report.migrations.lag_revisions == 16
    assert contradictions(report.changes) == []
    sides = {c.object: c.detail.get("side") for c in report.changes if c.cause == "out_of_band"}
    assert sides["public.session"] == "production" and "dev" not in sides.values()


def test_the_demo_answers(demo: DemoEnvironment, production_report: Report) -> None:
    report = compare(
        snapshot(demo.production_dsn), snapshot(demo.dev_dsn), demo.ledger, labels=("production", "dev")
    )
    text = answers(production_report, report, demo)
    assert "-> 16 revisions along the graph, 15.92 days" in text
    assert "production 55, dev 65" in text
    assert "[12] -> 12" in text
    assert "3 hazard(s)" in text


def test_the_example_is_a_plain_alembic_project() -> None:
    root = Path(__file__).resolve().parent.parent / "examples" / "credentialmate"
    env_py = (root / "migrations" / "env.py").read_text()
    assert (
        "config.get_section(config.config_ini_section" in env_py
        and "sqlalchemy.url" in (root / "alembic.ini").read_text()
    )


def test_the_monitor_demo_alerts_by_email_and_slack_once(demo: DemoEnvironment) -> None:
    from demo.monitor import run_monitor_demo

    lines: list[str] = []
    code = run_monitor_demo(demo.production_dsn, demo.ledger_path.read_bytes(), lines.append)
    output = "\n".join(lines)
    assert code == 0
    # The first run alerts through both channels; the unchanged second run sends nothing more
    # issue 15: the subject counts the three answers
    assert f"Subject: pgdrift {HEADLINE.replace(' · ', ', ')}" in output
    assert "(nothing posted)" not in output and "Slack notifier failed" not in output
    assert "Slack posts in total: 1  (no change, no alert)" in output


#: Wording faults of issue 15, as (name, pattern): none may appear in any rendered report.
_WORDING_FAULTS = (
    ("a doubled period", re.compile(r"(?<!\.)\.\.(?!\.)")),
    ("a plural made by adding s to a word in x", re.compile(r"\b\w+xs\b")),
    ("an empty bullet", re.compile(r"- —")),
    ("an unreadable row estimate", re.compile(r"holds row count unknown")),
    # within a line: a headline ending in "schema" may be followed by a title that starts with "Schema"
    ("a word repeated twice in a row", re.compile(r"\b([A-Za-z]{2,})[ \t]+\1\b", re.IGNORECASE)),
)


def _wording_faults(name: str, rendered: str) -> list[str]:
    return [f"{name}: {fault}: {match.group(0)!r} in …{rendered[max(0, match.start() - 60):match.end() + 20]!r}…"
            for fault, pattern in _WORDING_FAULTS for match in pattern.finditer(rendered)]


def test_every_report_reads_without_wording_faults(pg18: TestServer, production_report: Report) -> None:
    # Given every golden case's report and the demo's check report (issue 15)
    reports = {"demo check": production_report}
    for case in CASES:
        expected, actual = case_snapshot(pg18, case, "before"), case_snapshot(pg18, case, "after")
        changes = analyze(expected, actual, case_config(case))
        reports[case] = make_report(expected, actual, changes, expected_source="before.sql",
                                    actual_source="after.sql")

    # When each is rendered as text, markdown and HTML
    faults = [fault for name, report in reports.items() for fmt in ("text", "markdown", "html")
              for fault in _wording_faults(f"{name} ({fmt})", render(report, fmt))]

    # Then none has a doubled period, "indexs", an empty bullet, an unreadable row estimate or a
    # repeated word
    assert faults == []
    # ...and nothing a pending migration creates is said to be "no longer" there
    assert [c.reason for c in production_report.changes
            if c.cause == "pending_migration" and "no longer" in (c.reason or "")] == []


def test_markdown_follows_the_seed_report_with_an_exact_application_plan(production_report: Report) -> None:
    # Given production behind head, with hand changes; when rendered as markdown
    assert production_report.migrations is not None
    text = render(production_report, "markdown", target="prod")
    Path(os.environ.get("PGDRIFT_MARKDOWN_OUT", os.devnull)).write_text(text)
    # Then the seed's sections come in its order, numbered from what is present
    headings = [re.sub(r" \(.*", "", line) for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Executive Summary", "## Migration Status", "## Out of band: changed outside any migration",
        "## Table Count Summary", "## Part 1: Missing Tables and Columns", "## Part 2: Tables Not Expected",
        "## Part 3: Column-Level Drift", "## Part 4: Other Objects", "## Part 5: Pending Migrations",
        "## Part 6: Risk Assessment", "## Part 7: Data Integrity", "## Part 8: Migration Application Plan",
        "## Part 9: Recommendations", "## Summary Statistics",
    ]
    # and missing objects sit under their migration, its message as purpose
    assert "### `20260131_0000_add_blueshift_provider_fields` (pending)" in text
    assert "**Purpose**: add blueshift provider fields" in text
    assert "### `20260115_0100_add_license_portal_fields` (applied; dropped out of band)" in text
    # and the one-sided tables carry their row estimates
    assert re.search(r"\| `public\.session` \| 50 \|", text)
    # and the plan upgrades through all 16 pending revisions in graph order, noting the merge
    plan = text[text.index("### Migration Execution Order"):]
    upgrades = re.findall(r"^alembic upgrade (\S+)", plan, flags=re.MULTILINE)
    assert upgrades == [p.revision for p in production_report.migrations.pending] and len(upgrades) == 16
    assert upgrades.index("20260115_0300_add_provider_credentials_table") < \
        upgrades.index("20260127_0100_add_stage_changed_action_type") < upgrades.index(HEAD)
    assert ("alembic upgrade 20260127_0100_add_stage_changed_action_type  # merges "
            "20260115_0300_add_provider_credentials_table, 20260114_1830_add_campaign_started_at") in plan
    # and the checklist names the index in the way of the conflict hazard, before its migration
    checklist = text[text.index("### Pre-Migration Checklist"):text.index("### Migration Execution Order")]
    assert ("- [ ] Drop or rename the hand-made index `ix_licenses_state_status` before "
            "`20260114_0100_add_batch_state_coverage_indexes`") in checklist
    assert "providers.credential_summary" in checklist and "Back up prod" in checklist


#: Measures the rendered page for the Chromium test: run on a copy of the report (which itself has
#: no script) and written into the DOM that `--dump-dom` returns.
_PROBE = """<script>
const box = (e) => e.getBoundingClientRect();
const revisions = [...document.querySelectorAll('code.rev')].map((e) => ({
  text: e.textContent, width: box(e).width, height: box(e).height, lines: e.getClientRects().length}));
const order = [...document.querySelectorAll('h1, h2')].map((e) => e.textContent);
const probe = document.createElement('pre');
probe.id = 'probe';
probe.textContent = JSON.stringify({revisions, order,
  details: document.querySelectorAll('details.step').length,
  open: document.querySelectorAll('details.step[open]').length});
document.body.appendChild(probe);
</script>"""


def _chromium() -> str:
    import shutil

    found = shutil.which("chromium")
    if found is None:  # a failure, not a skip: the HTML check must not silently pass
        pytest.fail("Chromium is needed to check the HTML report: run `make test` as root (it installs "
                    "Debian's chromium), or `apt-get install -y chromium`")
    return found


def _headless(chromium: str, profile: Path, width: int, *arguments: str) -> str:
    import subprocess

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", f"--window-size={width},1600"]
    done = subprocess.run([chromium, *flags, *arguments], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_the_demo_html_report_renders_for_on_call_in_chromium(production_report: Report, tmp_path: Path) -> None:
    """Issue 15 item 4: the demo's check report, rendered by a real browser."""
    import html
    import json
    import struct

    chromium = _chromium()
    # Given the demo's check report as HTML, and a copy carrying a measuring script
    page = render(production_report, "html", target="prod")
    report_file, probed_file = tmp_path / "report.html", tmp_path / "probed.html"
    report_file.write_text(page, encoding="utf-8")
    probed_file.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")

    # When Chromium takes a screenshot of the report and dumps the probed copy's DOM as laid out
    # on a phone's width (where a breakable id would wrap)
    screenshot = tmp_path / "report.png"
    _headless(chromium, tmp_path / "profile-shot", 1280, f"--screenshot={screenshot}", report_file.as_uri())
    dom = _headless(chromium, tmp_path / "profile-dom", 420, "--dump-dom", probed_file.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    assert found is not None, dom[-500:]
    probe = json.loads(html.unescape(found.group(1)))

    # Then the first heading is the headline, and out of band precedes pending, then hazards
    order = probe["order"]
    assert order[0] == HEADLINE
    assert order[1].startswith("Out of band") and order[2].startswith("Pending migrations (16")
    assert order[3] == "Hazards (3)"
    # and the 16 pending migrations are collapsible groups, the three with a hazard open
    assert (probe["details"], probe["open"]) == (16, 3)
    # and every revision id is laid out on one line, not a column of characters
    revisions = probe["revisions"]
    assert {r["text"] for r in revisions} >= PENDING
    assert all(r["lines"] == 1 and r["height"] < 24 and r["width"] > 4 * len(r["text"]) for r in revisions), \
        [r for r in revisions if not (r["lines"] == 1 and r["height"] < 24)][:3]
    # and the screenshot is a real 1280x1600 picture
    header = screenshot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", header[16:24]) == (1280, 1600)
    assert screenshot.stat().st_size > 50_000
