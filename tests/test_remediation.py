"""Remediation of out-of-band findings (issue 15): the SQL that restores the expected schema, the
Alembic operation that adopts the live one, and what has no automatic remedy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pgdrift.cli import main
from pgdrift.compare.findings import Change
from pgdrift.compare.remediation import grant_statements, remedy
from pgdrift.migrations import ledger as ledger_module
from pgdrift.migrations.check import check
from pgdrift.migrations.ledger import Ledger
from pgdrift.vocabulary import Cause, ChangeType
from tests.alembic_projects.support import build, migrated, snapshot
from tests.conftest import _get_server
from tests.support import TestServer, execute

# Given production at l003, changed by hand: what the script can restore ...
RESTORABLE = """
    DROP INDEX ix_users_email;
    ALTER TABLE users DROP CONSTRAINT ck_users_email_at;
    ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
    ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;
    ALTER TABLE users ALTER COLUMN name TYPE varchar(50);
    COMMENT ON TABLE users IS 'hand''s note';
    GRANT SELECT ON users TO PUBLIC;
"""
# ... and what it leaves commented out (data or hand-made objects lost) or to a human
LEFT = """
    ALTER TABLE users ALTER COLUMN email TYPE varchar(300);
    CREATE INDEX ix_users_name_by_hand ON users (name);
    ALTER TABLE users ADD COLUMN nickname text;
"""


@pytest.fixture(scope="module")
def server(_servers: dict[str, TestServer]) -> Iterator[TestServer]:
    yield _get_server(_servers, "pg18")


@pytest.fixture(scope="module")
def linear(server: TestServer) -> Ledger:
    return build(server, "linear")


def _out_of_band(dsn: str, ledger: Ledger) -> set[tuple[str, str, str, str | None]]:
    return {(c.kind, c.change, c.object, c.attribute) for c in check(snapshot(dsn), ledger).changes
            if c.cause == Cause.OUT_OF_BAND}


def test_the_script_restores_what_it_covers_and_leaves_the_destructive_rest(
        server: TestServer, linear: Ledger, tmp_path: Path) -> None:
    dsn = migrated(server, "linear", "l003", sql=RESTORABLE + LEFT)
    execute(dsn, "ALTER TYPE order_status ADD VALUE 'refunded'")  # a label PostgreSQL cannot drop
    ledger_file = tmp_path / "ledger.json.gz"
    ledger_file.write_bytes(ledger_module.dumps(linear))
    before = _out_of_band(dsn, linear)
    assert len(before) == 11
    # When the check writes the remediation script
    script_file = tmp_path / "remediation.sql"
    code = main(["check", dsn, "--expected", str(ledger_file), "-o", "/dev/null",
                 "--remediation-sql", str(script_file)])
    assert code == 1
    script = script_file.read_text()
    # Then the destructive statements are commented out with a warning, the adoption is in Alembic terms
    assert "-- WARNING: drops a column and the values in it. Uncomment to run it:\n" \
           "-- ALTER TABLE public.users DROP COLUMN nickname;" in script
    assert "-- ALTER TABLE public.users ALTER COLUMN email TYPE character varying(100) USING" in script
    assert "-- DROP INDEX public.ix_users_name_by_hand;" in script
    assert "adopt instead (Alembic): op.create_index('ix_users_name_by_hand', 'users', ['name'], " \
           "schema='public')" in script
    assert "adopt instead (Alembic): op.drop_index('ix_users_email', table_name='users', schema='public')" in script
    assert "PostgreSQL cannot drop enum labels (refunded)" in script
    # When the script is run as written
    execute(dsn, script)
    # Then what it covers is gone, and only the commented-out and by-hand findings remain
    assert _out_of_band(dsn, linear) == {
        ("column", "altered", "public.users.email", "type"),
        ("index", "unexpected", "public.ix_users_name_by_hand", None),
        ("column", "unexpected", "public.users.nickname", None),
        ("enum", "altered", "public.order_status", "labels"),
    }


def _change(kind: str, change: ChangeType, key: str, **fields: object) -> Change:
    return Change(kind=kind, change=change, object=key, cause=Cause.OUT_OF_BAND, **fields)  # type: ignore[arg-type]


def test_enum_labels_are_added_in_their_place() -> None:
    found = remedy(_change("enum", ChangeType.ALTERED, "public.status", attribute="labels",
                           expected=["new", "paid", "shipped"], actual=["new", "shipped"]))
    assert [s.sql for s in found.restore] == ["ALTER TYPE public.status ADD VALUE IF NOT EXISTS 'paid' AFTER 'new'"]
    assert found.manual == "adopting the loss of paid means rebuilding the type in a migration"


def test_grants_restore_and_adopt_are_each_others_inverse() -> None:
    key = "table public.users TO reporting"
    found = remedy(_change("privilege", ChangeType.ALTERED, key, attribute="privileges",
                           expected=["SELECT"], actual=["INSERT", "SELECT"]))
    assert [s.sql for s in found.restore] == ["REVOKE INSERT ON TABLE public.users FROM reporting"]
    assert found.adopt == ("op.execute('GRANT INSERT ON TABLE public.users TO reporting')",)
    # ALL does not subtract: it is revoked and the expected privileges granted anew
    assert grant_statements("column", 'public.users."Email"', "PUBLIC", {"privileges": ["SELECT"]},
                            {"privileges": ["ALL"]}) == [
        'REVOKE ALL ("Email") ON TABLE public.users FROM PUBLIC',
        'GRANT SELECT ("Email") ON TABLE public.users TO PUBLIC',
    ]


def test_comments_renames_and_what_has_no_remedy() -> None:
    comment = remedy(_change("constraint", ChangeType.ALTERED, "public.users.ck_x", attribute="comment",
                             expected=None, actual="it's new"))
    assert [s.sql for s in comment.restore] == ["COMMENT ON CONSTRAINT ck_x ON public.users IS NULL"]
    assert comment.adopt == ('op.execute("COMMENT ON CONSTRAINT ck_x ON public.users IS \'it\'\'s new\'")',)
    renamed = remedy(_change("column", ChangeType.RENAMED, "public.users.email", expected="public.users.email",
                             actual="public.users.mail"))
    assert [s.sql for s in renamed.restore] == ["ALTER TABLE public.users RENAME COLUMN mail TO email"]
    assert renamed.adopt == ("op.execute('ALTER TABLE public.users RENAME COLUMN email TO mail')",)
    for kind in ("function", "view", "table", "sequence", "domain"):
        missing = remedy(_change(kind, ChangeType.MISSING, "public.x", expected={}))
        assert missing.restore == () and missing.manual and "no automatic remediation" in missing.manual
