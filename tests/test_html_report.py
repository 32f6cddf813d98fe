"""The HTML report for on-call (issue 15 item 4): hostile names are escaped everywhere, pending
migrations are collapsible groups, and printing expands them. The Chromium check of the demo's
report is in tests/test_example_project.py, beside the demo fixture."""

from __future__ import annotations

import dataclasses
import re

from pgdrift.compare.analyze import analyze, make_report
from pgdrift.compare.findings import Hazard, MigrationStatus, PendingMigration, Report
from pgdrift.render import render
from pgdrift.vocabulary import Cause, HazardKind, MigrationState
from tests.drift_support import snapshot

HOSTILE = "<script>alert(1)</script>"


def _hostile_report() -> Report:
    # Given a table, a column and an extra table whose names, and a migration whose revision,
    # message and hazard, all carry markup
    expected = snapshot({HOSTILE: {"id": "bigint", f"x{HOSTILE}": "text"}})
    actual = snapshot({HOSTILE: {"id": "bigint"}, f"t{HOSTILE}": {"id": "bigint"}})
    changes = [dataclasses.replace(change, cause=Cause.OUT_OF_BAND, migration=f"r{HOSTILE}")
               for change in analyze(expected, actual)]
    pending = (PendingMigration(f"rev{HOSTILE}", "2026-01-31T00:00:00Z", f"msg {HOSTILE}", tuple(changes[:1]),
                                (Hazard(f"rev{HOSTILE}", HazardKind.DESTRUCTIVE, f"public.{HOSTILE}",
                                        f"drops {HOSTILE}"),)),)
    status = MigrationStatus(live_revisions=(f"live{HOSTILE}",), head_revisions=(f"rev{HOSTILE}",),
                             state=MigrationState.BEHIND, live_date=None, head_date=None, lag_revisions=1,
                             lag_days=None, pending=pending, detail=f"detail {HOSTILE}")
    return make_report(expected, actual, changes, expected_source=f"e{HOSTILE}", actual_source=f"a{HOSTILE}",
                       migrations=status, title=f"title {HOSTILE}")


def test_hostile_object_names_are_escaped_everywhere() -> None:
    report = _hostile_report()
    assert len(report.changes) >= 2
    # When it is rendered as HTML
    page = render(report, "html", target=f"prod{HOSTILE}")
    # Then no markup from the schema survives, and every hostile value is there, escaped
    assert "<script" not in page.lower()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for value in (f"prod{escaped}", f"rev{escaped}", f"msg {escaped}", f"drops {escaped}", f"live{escaped}",
                  f"detail {escaped}", f"title {escaped}", f"e{escaped}", f"a{escaped}", f"x{escaped}",
                  f"t{escaped}"):
        assert value in page, value


def test_pending_migrations_are_collapsible_and_printing_expands_them() -> None:
    page = render(_hostile_report(), "html")
    # The hazardous migration starts open, its revision id kept on one line
    assert re.search(r'<details class="step hazardous" open><summary><code class="rev">', page)
    assert re.search(r"code\.rev[^{]*\{[^}]*white-space:nowrap", page)
    # and the print stylesheet opens every group, drops background colours and breaks pages
    # between the sections
    print_css = page[page.index("@media print{"):]
    assert "details::details-content{content-visibility:visible" in print_css
    assert "background:none" in print_css and "break-before:page" in print_css
    assert page.count('<section class="part"') == 5  # out of band, pending, hazards, migrations, findings
