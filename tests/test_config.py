"""The config file: severity overrides and waivers by pattern; malformed files name the line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pgdrift.compare.analyze import analyze, make_report
from pgdrift.compare.config import DriftConfig, parse_config, read_config
from pgdrift.compare.findings import Change
from pgdrift.errors import ConfigError
from tests.drift_support import snapshot

EXPECTED = snapshot({"payment_methods": {"id": "integer", "brand": "character varying(20)"},
                     "legacy_exports": {"id": "integer"},
                     "reports": {"id": "integer", "archived_at": "date"}})
ACTUAL = snapshot({"payment_methods": {"id": "integer", "brand": "character varying(40)"},
                   "reports": {"id": "integer"}})

CONFIG = """
[[severity]]
pattern = "payment_*"
severity = "critical"

[[waiver]]
pattern = "legacy_*"
reason = "dropped in INC-42"
owner = "@data-platform"
expires = 2026-03-01

[[waiver]]
pattern = "public.reports.archived_at"
reason = "agreed with reporting"
owner = "@reporting"
expires = "2026-01-31"
"""


def _by_object(config: DriftConfig) -> dict[str, Change]:
    return {change.object: change for change in analyze(EXPECTED, ACTUAL, config)}


def test_a_severity_override_matches_the_table_name_of_a_column() -> None:
    default = _by_object(DriftConfig())["public.payment_methods.brand"]
    overridden = _by_object(parse_config(CONFIG))["public.payment_methods.brand"]
    assert default.severity == "medium"
    assert overridden.severity == "critical"
    assert "by rule 'payment_*'" in overridden.reason


def test_a_valid_waiver_is_reported_as_waived_not_hidden() -> None:
    config = parse_config(CONFIG)
    config = DriftConfig(config.severity, config.waivers, today=date(2026, 2, 2))
    legacy = _by_object(config)["public.legacy_exports"]
    assert legacy.waiver is not None and not legacy.waiver.expired
    assert not legacy.active
    assert "waived by @data-platform until 2026-03-01" in legacy.reason


def test_an_expired_waiver_makes_the_finding_active_again_and_says_so() -> None:
    config = parse_config(CONFIG)
    config = DriftConfig(config.severity, config.waivers, today=date(2026, 2, 2))
    column = _by_object(config)["public.reports.archived_at"]
    assert column.waiver is not None and column.waiver.expired
    assert column.active
    assert "expired on 2026-01-31: active again" in column.reason


def test_a_waiver_is_valid_through_its_expiry_day() -> None:
    config = parse_config(CONFIG)
    on_the_day = DriftConfig(config.severity, config.waivers, today=date(2026, 3, 1))
    next_day = DriftConfig(config.severity, config.waivers, today=date(2026, 3, 2))
    assert not _by_object(on_the_day)["public.legacy_exports"].active
    assert _by_object(next_day)["public.legacy_exports"].active


def test_only_waived_findings_mean_no_drift() -> None:
    config = parse_config('[[waiver]]\npattern = "*"\nreason = "r"\nowner = "o"\nexpires = 2999-01-01\n')
    changes = analyze(EXPECTED, ACTUAL, config)
    report = make_report(EXPECTED, ACTUAL, changes, expected_source="e", actual_source="a")
    assert changes and all(change.waiver for change in changes)
    assert report.status == "clean" and report.counts_by_severity() == dict.fromkeys(report.counts_by_severity(), 0)


def test_kind_and_change_filters_narrow_a_rule() -> None:
    config = parse_config('[[severity]]\npattern = "public.*"\nkind = "table"\nchange = "missing"\nseverity = "low"\n')
    found = _by_object(config)
    assert found["public.legacy_exports"].severity == "low"
    assert found["public.reports.archived_at"].severity == "critical"


@pytest.mark.parametrize(("text", "line", "words"), [
    ('[[severity]]\npattern = "x"\nseverity = \n', 3, "invalid TOML"),
    ('[[severity]]\npattern = "x"\nseverity = "urgent"\n', 3,
     'severity[0].severity: expected one of critical, high, medium, low, got "urgent"'),
    ('[[waiver]]\npattern = "x"\nreason = "r"\nowner = "o"\n', 1, "waiver[0].expires: is required"),
    ('[[waiver]]\npattern = "x"\nreason = "r"\nowner = "o"\nexpires = "soon"\n', 5,
     "waiver[0].expires: expected an ISO date"),
    ('\n\n[[waiver]]\npattern = "x"\nowner = "o"\nexpires = 2026-01-01\n', 3, "waiver[0].reason: is required"),
    ('[[severity]]\npattern = "a"\nseverity = "low"\n\n[[severity]]\npattern = "b"\nsevrity = "low"\n', 7,
     "severity[1].sevrity: unknown key (allowed: pattern, severity, kind, change)"),
    ('[[severity]]\npattern = "a"\nseverity = "low"\nkind = "tabel"\n', 4, "severity[0].kind: expected one of schema,"),
    ('[[waiver]]\npattern = "a"\nreason = "r"\nowner = "o"\nexpires = 2026-01-01\nchange = "gone"\n', 6,
     "waiver[0].change: expected one of missing, unexpected, altered, renamed"),
    ('# comment\n[ignore]\nx = 1\n', 2, "unknown section 'ignore'"),
    ('severity = "high"\n', 1, "must be a list of tables"),
    ('[renames]\nenabled = "yes"\n', 1, "enabled = true|false"),
])
def test_a_malformed_config_names_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "drift.toml")
    message = str(raised.value)
    assert f"drift.toml, line {line}" in message or f"line {line}" in message, message
    assert words in message


def test_renames_can_be_disabled_in_the_file() -> None:
    assert parse_config("[renames]\nenabled = false\n").renames is False
    assert parse_config("").renames is True


def test_reading_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"reading config .*nope\.toml"):
        read_config(tmp_path / "nope.toml")
    path = tmp_path / "drift.toml"
    path.write_text(CONFIG, encoding="utf-8")
    assert len(read_config(path).waivers) == 2
