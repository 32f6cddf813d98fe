"""Rename candidates: tables and columns, with confidence, never applied, and bounded."""

from __future__ import annotations

import time

import pytest

from pgdrift.compare.analyze import analyze
from pgdrift.compare.config import DriftConfig
from pgdrift.compare.renames import MAX_CANDIDATES, _candidates, match_tables, name_similarity, table_profiles
from pgdrift.schema import model
from tests.drift_support import snapshot

SESSION = {"id": "bigint", "user_id": "bigint", "token": "text", "expires_at": "timestamp with time zone"}
CHANNELS = {"id": "integer", "team_id": "integer", "name": "text"}


@pytest.mark.parametrize(("left", "right", "low", "high"), [
    ("session", "sessions", 0.95, 0.95),
    ("team_channels", "channels", 0.8, 0.9),
    ("address", "addresses", 0.95, 0.95),
    ("category", "categories", 0.95, 0.95),
    ("users", "invoices", 0.0, 0.5),
])
def test_name_similarity(left: str, right: str, low: float, high: float) -> None:
    assert low <= name_similarity(left, right) <= high
    assert name_similarity(left, right) == name_similarity(right, left)


def test_tables_of_the_motivating_report_are_paired_by_themselves() -> None:
    # Given the expected schema with plural/new names and a live one with the old names
    expected = snapshot({"sessions": SESSION, "channels": {**CHANNELS, "topic": "text"},
                         "payment_methods": {"id": "integer"}})
    actual = snapshot({"session": SESSION, "team_channels": CHANNELS, "audit_log": {"at": "date", "entry": "text"}})

    # When analyzed
    changes = analyze(expected, actual)

    # Then each pair is one renamed finding with a confidence, and the residual column is reported
    renamed = {(c.expected, c.actual): c.confidence or 0.0 for c in changes if c.change == "renamed"}
    assert set(renamed) == {("public.sessions", "public.session"), ("public.channels", "public.team_channels")}
    assert renamed[("public.sessions", "public.session")] > renamed[("public.channels", "public.team_channels")] >= 0.6
    assert all(0 <= confidence <= 1 for confidence in renamed.values())
    others = {(c.kind, c.change, c.object) for c in changes if c.change != "renamed"}
    assert others == {("table", "missing", "public.payment_methods"), ("table", "unexpected", "public.audit_log"),
                      ("column", "missing", "public.team_channels.topic")}
    assert all(c.severity == "critical" for c in changes if c.change == "renamed")


def test_row_estimates_break_a_tie_between_two_lookalikes() -> None:
    expected = snapshot({"events": SESSION}, rows={"events": 10_000})
    actual = snapshot({"events_old": SESSION, "events_new": SESSION}, rows={"events_old": 10, "events_new": 9_800})
    renames = [c for c in analyze(expected, actual) if c.change == "renamed"]
    assert [(c.expected, c.actual) for c in renames] == [("public.events", "public.events_new")]


def test_unrelated_tables_are_not_renames() -> None:
    expected = snapshot({"invoices": {"id": "integer", "amount": "numeric", "due": "date"}})
    actual = snapshot({"tags": {"id": "integer", "label": "text"}})
    changes = analyze(expected, actual)
    assert [c.change for c in changes] == ["missing", "unexpected"]


def test_rename_detection_can_be_switched_off() -> None:
    changes = analyze(snapshot({"sessions": SESSION}), snapshot({"session": SESSION}), DriftConfig(renames=False))
    assert sorted(c.change for c in changes) == ["missing", "unexpected"]


def test_children_of_a_renamed_table_follow_it_and_only_residuals_remain() -> None:
    # Given a table renamed in place: its index and key keep the old names, one column lost NOT NULL
    index_old = model.Index("public", "sessions", "ix_sessions_user", "CREATE INDEX ix_sessions_user ON "
                            "public.sessions USING btree (user_id)")
    index_new = model.Index("public", "session", "ix_session_user", "CREATE INDEX ix_session_user ON "
                            "public.session USING btree (user_id)")
    grant_old = model.Privilege("table", "public.sessions", "app", ("SELECT",))
    grant_new = model.Privilege("table", "public.session", "app", ("SELECT",))
    expected = snapshot({"sessions": SESSION}, extra=[index_old, grant_old])
    live = snapshot({"session": SESSION}, extra=[index_new, grant_new])
    token = live.objects["column"]["public.session.token"]
    live_columns = live.objects["column"]
    assert isinstance(live_columns, dict)
    live_columns["public.session.token"] = model.Column("public", "session", "token", "integer",
                                                                  position=token.position)
    # When analyzed
    changes = analyze(expected, live)

    # Then: one rename, one residual type change on the live column, nothing about index, key or grant
    assert [(c.kind, c.change, c.object, c.attribute) for c in changes] == [
        ("table", "renamed", "public.sessions", None),
        ("column", "altered", "public.session.token", "type"),
    ]


def test_a_renamed_column_is_one_finding_plus_its_residual_changes() -> None:
    expected = snapshot({"providers": {"id": "integer", "full_name": "text", "phone": "text"}})
    actual = snapshot({"providers": {"id": "integer", "fullname": "text", "fax": "bytea"}})
    changes = analyze(expected, actual)
    summary = [(c.change, c.object, c.actual if c.change == "renamed" else None) for c in changes]
    assert summary == [
        ("unexpected", "public.providers.fax", None),
        ("renamed", "public.providers.full_name", "public.providers.fullname"),
        ("missing", "public.providers.phone", None),
    ]
    renamed = changes[1]
    assert renamed.confidence is not None and renamed.confidence >= 0.9
    assert "full_name" in renamed.reason and "fullname" in renamed.reason and "verify" in renamed.reason


def test_assignment_is_one_to_one() -> None:
    expected = snapshot({"session": SESSION, "sessions": SESSION})
    actual = snapshot({"session_log": SESSION})
    renames = [c for c in analyze(expected, actual) if c.change == "renamed"]
    assert len(renames) == 1


def test_candidate_search_is_bounded_when_every_table_looks_alike() -> None:
    # Given 1,500 missing and 1,500 unexpected tables that all share their columns
    columns = {"id": "bigint", "created_at": "timestamp with time zone"}
    expected = snapshot({f"left_{n}": columns for n in range(1500)})
    actual = snapshot({f"right_{n}": columns for n in range(1500)})
    missing, unexpected = sorted(expected.objects["table"]), sorted(actual.objects["table"])
    # When candidates are collected, no table gets more than MAX_CANDIDATES, and common
    # signatures are not used at all
    profiles_left = table_profiles(expected.objects, missing)
    profiles_right = table_profiles(actual.objects, unexpected)
    candidates = _candidates(list(profiles_left.values()), list(profiles_right.values()))
    assert max(len(found) for found in candidates.values()) <= MAX_CANDIDATES
    started = time.perf_counter()
    match_tables(expected.objects, actual.objects, missing, unexpected)
    assert time.perf_counter() - started < 2.0
