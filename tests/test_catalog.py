"""The catalog reader against real PostgreSQL 16 and 18: every kind, every drifting attribute."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import ReadOptions, read_snapshot
from pgdrift.schema import snapshot_io
from pgdrift.schema.kinds import KINDS
from pgdrift.schema.model import Snapshot
from tests.support import TestServer, execute

FIXTURE = "tests/fixtures/all_kinds.sql"
_cache: dict[str, tuple[str, Snapshot]] = {}


def all_kinds(server: TestServer) -> tuple[str, Snapshot]:
    """One database per server with every kind in it, built once per test process."""
    if server.label not in _cache:
        with open(FIXTURE, encoding="utf-8") as script:
            dsn = server.create_database(script.read())
        _cache[server.label] = (dsn, read_snapshot(parse_dsn(dsn)))
    return _cache[server.label]


# (kind, key, attribute, expected value): one row per attribute that can drift.
EXPECTED_ATTRIBUTES = [
    ("schema", "billing", "comment", "money"),
    ("extension", "vector", "schema", "public"),
    ("collation", "billing.bytewise", "provider", "libc"),
    ("enum", "public.credential_status", "labels", ("pending", "active", "expired")),
    ("enum", "public.credential_status", "comment", "lifecycle"),
    ("domain", "public.us_state", "base_type", "character(2)"),
    ("domain", "public.us_state", "not_null", True),
    ("domain", "public.us_state", "default", "'CA'::bpchar"),
    ("domain", "public.us_state", "constraints", ("us_state_check: CHECK ((VALUE ~ '^[A-Z]{2}$'::text))",)),
    ("composite_type", "public.money_pair", "attributes", ("amount numeric(12,2)", "currency text")),
    ("range_type", "public.score_range", "subtype", "double precision"),
    ("range_type", "public.score_range", "subtype_opclass", "pg_catalog.float8_ops"),
    ("range_type", "public.score_range", "subtype_diff", "float8mi(double precision,double precision)"),
    ("range_type", "public.score_range", "multirange", "public.score_ranges"),
    ("range_type", "public.score_range", "comment", "review scores"),
    ("range_type", "public.name_range", "collation", "billing.bytewise"),
    ("range_type", "public.name_range", "canonical", None),
    ("sequence", "billing.invoice_no", "start", 1000),
    ("sequence", "billing.invoice_no", "increment", 5),
    ("sequence", "billing.invoice_no", "maximum", 999999),
    ("sequence", "billing.invoice_no", "cache", 10),
    ("sequence", "billing.invoice_no", "cycle", True),
    ("sequence", "public.licenses_id_seq", "owned_by", "public.licenses.id"),
    ("table", "public.providers", "comment", "Licensed providers"),
    ("table", "public.events", "kind", "partitioned table"),
    ("table", "public.events", "partition_key", "RANGE (at)"),
    ("table", "public.events_2026", "partition_of", "public.events"),
    ("table", "public.events_2026", "partition_bound", "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"),
    ("table", "public.cache_entries", "persistence", "unlogged"),
    ("table", "public.cache_entries", "options", ("fillfactor=70",)),
    ("table", "public.cache_entries", "replica_identity", "full"),
    ("table", "public.providers", "replica_identity", "index providers_npi_key"),
    ("table", "public.licenses", "replica_identity", "default"),
    ("table", "public.audit_logins", "inherits", ("public.audit_base",)),
    ("table", "public.licenses", "rls_enabled", True),
    ("table", "public.licenses", "rls_forced", True),
    ("column", "public.providers.id", "identity", "always"),
    ("column", "public.providers.npi", "not_null", True),
    ("column", "public.providers.npi", "comment", "National Provider Identifier"),
    ("column", "public.providers.status", "type", "public.credential_status"),
    ("column", "public.providers.status", "default", "'pending'::public.credential_status"),
    ("column", "public.providers.search_name", "generated", "lower(full_name)"),
    ("column", "public.providers.search_name", "generated_kind", "stored"),
    ("column", "public.providers.sort_key", "collation", "billing.bytewise"),
    ("column", "public.providers.embedding", "type", "public.vector(3)"),
    ("column", "public.licenses.id", "default", "nextval('public.licenses_id_seq'::regclass)"),
    ("constraint", "public.providers.providers_pkey", "type", "primary key"),
    ("constraint", "public.providers.providers_npi_key", "definition", "UNIQUE (npi)"),
    ("constraint", "public.licenses.licenses_provider_fk", "definition",
     "FOREIGN KEY (provider_id) REFERENCES public.providers(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"),
    ("constraint", "public.licenses.licenses_provider_fk", "references", "public.providers"),
    ("constraint", "public.licenses.licenses_provider_fk", "deferred", True),
    ("constraint", "public.licenses.licenses_no_overlap", "type", "exclusion"),
    ("constraint", "public.licenses.licenses_state_check", "comment", "no placeholder states"),
    ("constraint", "public.licenses.licenses_expiry_check", "validated", False),
    ("constraint", "public.licenses.licenses_expiry_check", "definition",
     "CHECK ((expires_on > '2000-01-01'::date))"),
    ("index", "public.licenses_expiring", "predicate", "(expires_on IS NOT NULL)"),
    ("index", "public.licenses_expiring", "comment", "renewal reminders"),
    ("index", "public.providers_lower_name", "unique", True),
    ("index", "public.providers_lower_name", "definition",
     "CREATE UNIQUE INDEX providers_lower_name ON public.providers USING btree (lower(full_name))"),
    ("index", "public.licenses_state_hash", "method", "hash"),
    ("index", "public.license_counts_state", "table", "license_counts"),
    ("view", "public.active_providers", "definition",
     "SELECT id, full_name FROM public.providers WHERE (status = 'active'::public.credential_status);"),
    ("view", "public.active_providers", "comment", "for the directory"),
    ("view", "public.license_counts", "materialized", True),
    ("function", "public.normalize_npi(raw text)", "volatility", "immutable"),
    ("function", "public.normalize_npi(raw text)", "strict", True),
    ("function", "public.normalize_npi(raw text)", "parallel", "safe"),
    ("function", "public.normalize_npi(raw text)", "comment", "digits only"),
    ("function", "public.touch_created()", "security_definer", True),
    ("function", "public.touch_created()", "config", ("search_path=public",)),
    ("function", "public.touch_created()", "language", "plpgsql"),
    ("function", "billing.close_month(IN month date)", "kind", "procedure"),
    ("function", "billing.cents(amount numeric, rounding text)", "leakproof", True),
    ("function", "billing.cents(amount numeric, rounding text)", "argument_defaults",
     "amount numeric, rounding text DEFAULT 'half-up'::text"),
    ("function", "public.normalize_npi(raw text)", "argument_defaults", None),
    ("function", "billing.total(numeric)", "kind", "aggregate"),
    ("trigger", "public.licenses.licenses_audit", "enabled", "disabled"),
    ("trigger", "public.providers.providers_touch", "definition",
     "CREATE TRIGGER providers_touch BEFORE INSERT ON public.providers FOR EACH ROW "
     "EXECUTE FUNCTION public.touch_created()"),
    ("rule", "public.licenses.licenses_no_delete", "definition",
     "CREATE RULE licenses_no_delete AS\n    ON DELETE TO public.licenses\n"
     "   WHERE (old.state = 'CA'::bpchar) DO INSTEAD NOTHING;"),
    ("rule", "public.licenses.licenses_no_delete", "comment", "kept for audits"),
    ("rule", "public.providers.providers_no_update", "enabled", "disabled"),
    ("policy", "public.licenses.licenses_by_state", "command", "update"),
    ("policy", "public.licenses.licenses_by_state", "permissive", False),
    ("policy", "public.licenses.licenses_by_state", "roles", ("pgdrift_test_app",)),
    ("policy", "public.licenses.licenses_by_state", "with_check", "(state = 'CA'::bpchar)"),
    ("privilege", "table public.providers TO pgdrift_test_app", "privileges", ("ALL",)),
    ("privilege", "table public.licenses TO pgdrift_test_app", "grantable", ("INSERT", "SELECT")),
    ("privilege", "sequence billing.invoice_no TO pgdrift_test_app", "privileges", ("USAGE",)),
    ("privilege", "column public.cache_entries.value TO pgdrift_test_app", "privileges", ("SELECT", "UPDATE")),
    ("privilege", "column public.cache_entries.key TO pgdrift_test_app", "privileges", ("SELECT",)),
    ("privilege", "column public.cache_entries.key TO PUBLIC", "privileges", ("SELECT",)),
    ("privilege", "schema billing TO pgdrift_test_app", "privileges", ("USAGE",)),
    ("privilege", "function public.normalize_npi(raw text) TO pgdrift_test_app", "privileges", ("EXECUTE",)),
]


@pytest.mark.parametrize(("kind", "key", "attribute", "value"), EXPECTED_ATTRIBUTES,
                         ids=[f"{row[0]}:{row[1]}.{row[2]}" for row in EXPECTED_ATTRIBUTES])
def test_attribute_is_read(server: TestServer, kind: str, key: str, attribute: str, value: object) -> None:
    _, snapshot = all_kinds(server)
    objects = snapshot.of_kind(kind)
    assert key in objects, f"{kind} {key} not read; have {sorted(objects)}"
    assert getattr(objects[key], attribute) == value


def test_every_registered_kind_is_covered(server: TestServer) -> None:
    _, snapshot = all_kinds(server)
    covered = {row[0] for row in EXPECTED_ATTRIBUTES}
    assert covered == {kind.name for kind in KINDS}
    assert all(snapshot.of_kind(kind.name) for kind in KINDS)


def test_left_out_objects(server: TestServer) -> None:
    _, snapshot = all_kinds(server)
    assert "rdsadmin" not in snapshot.of_kind("schema")  # RDS's own schema
    assert "public.awsdms_apply_exceptions" not in snapshot.of_kind("table")  # DMS's control table
    assert not [key for key in snapshot.of_kind("function") if "vector" in key]  # extension-owned
    assert "public.vector" not in snapshot.of_kind("composite_type")
    assert set(snapshot.meta.schemas) == {"billing", "public"}
    # The identity column's internal sequence is described by the column, not as a sequence.
    assert not [key for key in snapshot.of_kind("sequence") if key.startswith("public.providers")]
    # A NOT NULL is an attribute of its column, never a constraint (PostgreSQL 18 stores both).
    assert all(obj.type != "not null" for obj in snapshot.of_kind("constraint").values())


def test_metadata(server: TestServer) -> None:
    _, snapshot = all_kinds(server)
    assert snapshot.meta.database.startswith("t")
    assert snapshot.meta.server_version_num // 10000 == server.version
    assert snapshot.meta.alembic.status == "present"
    assert snapshot.meta.alembic.revisions == ("20260115_0200",)
    assert snapshot.meta.captured_at.endswith("Z")
    assert snapshot.format_version == 2
    assert "password" not in snapshot.meta.source


def test_pg16_and_pg18_agree(pg16: TestServer, pg18: TestServer) -> None:
    _, on16 = all_kinds(pg16)
    _, on18 = all_kinds(pg18)
    assert on16.meta.server_version != on18.meta.server_version
    differing = [(kind, key) for kind in on16.objects for key in set(on16.of_kind(kind)) | set(on18.of_kind(kind))
                 if on16.of_kind(kind).get(key) != on18.of_kind(kind).get(key)]
    assert differing == []
    assert on16.fingerprint == on18.fingerprint


def test_expressions_read_the_same_on_pg16_and_pg18(pg16: TestServer, pg18: TestServer) -> None:
    script = Path("tests/fixtures/expressions.sql").read_text(encoding="utf-8")
    on16 = read_snapshot(parse_dsn(pg16.create_database(script)))
    on18 = read_snapshot(parse_dsn(pg18.create_database(script)))
    assert len(on16.of_kind("column")) == 30 and len(on16.of_kind("policy")) == 2
    assert on16.fingerprint == on18.fingerprint


def test_round_trip_is_exact(server: TestServer, tmp_path: Path) -> None:
    _, snapshot = all_kinds(server)
    text = snapshot_io.dumps(snapshot)
    assert snapshot_io.dumps(snapshot_io.loads(text)) == text
    for name in ("s.json", "s.json.gz"):
        snapshot_io.write_file(snapshot, tmp_path / name)
        again = snapshot_io.read_file(tmp_path / name)
        assert again == snapshot
        assert snapshot_io.dumps(again) == text
    assert (tmp_path / "s.json.gz").read_bytes()[:2] == b"\x1f\x8b"


def test_fingerprint_ignores_metadata_and_row_estimates(server: TestServer) -> None:
    dsn = server.create_database("CREATE TABLE t (id int PRIMARY KEY);")
    before = read_snapshot(parse_dsn(dsn))
    execute(dsn, "INSERT INTO t SELECT generate_series(1, 500); ANALYZE t;")
    after = read_snapshot(parse_dsn(dsn))
    assert after.of_kind("table")["public.t"].row_estimate == 500
    assert before.of_kind("table")["public.t"].row_estimate != 500
    assert before.fingerprint == after.fingerprint
    execute(dsn, "ALTER TABLE t ADD COLUMN note text;")
    assert read_snapshot(parse_dsn(dsn)).fingerprint != before.fingerprint


def test_schema_filters(server: TestServer) -> None:
    dsn, _ = all_kinds(server)
    only_billing = read_snapshot(parse_dsn(dsn), ReadOptions(include_schemas=("billing",)))
    assert set(only_billing.of_kind("schema")) == {"billing"}
    assert set(only_billing.of_kind("sequence")) == {"billing.invoice_no"}
    assert not only_billing.of_kind("table")
    without_billing = read_snapshot(parse_dsn(dsn), ReadOptions(exclude_schemas=("bill*",)))
    assert "billing" not in without_billing.of_kind("schema")
    assert "public.providers" in without_billing.of_kind("table")
    # RDS's schema is only left out by the default list: an empty list reads it.
    everything = read_snapshot(parse_dsn(dsn), ReadOptions(exclude_schemas=(), exclude_objects=()))
    assert "rdsadmin" in everything.of_kind("schema")
    assert "public.awsdms_apply_exceptions" in everything.of_kind("table")


def test_alembic_version_absent_is_recorded(server: TestServer) -> None:
    snapshot = read_snapshot(parse_dsn(server.create_database("CREATE TABLE t (id int);")))
    assert snapshot.meta.alembic.status == "absent"
    assert snapshot.meta.alembic.revisions == ()


def test_round_trips_do_not_grow_with_the_schema(server: TestServer) -> None:
    from pgdrift.catalog.reader import SnapshotReader

    def count(sql: str, jobs: int) -> int:
        with SnapshotReader(parse_dsn(server.create_database(sql)), ReadOptions(jobs=jobs)) as reader:
            snapshot = reader.read()
            assert snapshot.meta.alembic.revisions == ("a1",)
            return reader.round_trips

    # With a version table to read (the most round trips of all).
    version = ("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); "
               "INSERT INTO alembic_version VALUES ('a1');")
    large = version + "".join(f"CREATE TABLE t{n} (id int PRIMARY KEY, v text); CREATE INDEX ON t{n} (v);"
                              for n in range(60))
    small = version + "CREATE TABLE a (id int PRIMARY KEY);"
    assert count(small, jobs=1) == count(large, jobs=1)
    # A second connection adds its own set-up (settings, transaction, snapshot import), when the
    # first has not finished every batch before it is ready; at most that.
    assert count(small, jobs=1) <= count(large, jobs=2) <= count(small, jobs=1) + 3 <= 25


VERSION_TABLES = """
CREATE SCHEMA app;
CREATE SCHEMA meta;
CREATE TABLE app.orders (id int PRIMARY KEY);
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO alembic_version VALUES ('a1');
CREATE TABLE meta.alembic_version_billing (version_num varchar(32) PRIMARY KEY);
INSERT INTO meta.alembic_version_billing VALUES ('b7');
"""


def test_the_version_table_is_found_outside_the_schemas_read(server: TestServer) -> None:
    # Alembic keeps alembic_version in public even when the application's tables live in app
    dsn = server.create_database(VERSION_TABLES)
    snapshot = read_snapshot(parse_dsn(dsn), ReadOptions(include_schemas=("app",)))
    assert set(snapshot.meta.schemas) == {"app"}
    assert (snapshot.meta.alembic.status, snapshot.meta.alembic.table) == ("present", "public.alembic_version")
    assert snapshot.meta.alembic.revisions == ("a1",)


@pytest.mark.parametrize(("version_table", "status", "table", "revisions"), [
    ("alembic_version_billing", "present", "meta.alembic_version_billing", ("b7",)),
    ("meta.alembic_version_billing", "present", "meta.alembic_version_billing", ("b7",)),
    ("app.alembic_version_billing", "absent", "app.alembic_version_billing", ()),
    ("alembic_version_nowhere", "absent", None, ()),
])
def test_a_version_table_of_another_name_or_schema(server: TestServer, version_table: str, status: str,
                                                   table: str | None, revisions: tuple[str, ...]) -> None:
    dsn = server.create_database(VERSION_TABLES)
    alembic = read_snapshot(parse_dsn(dsn), ReadOptions(version_table=version_table)).meta.alembic
    assert (alembic.status, alembic.table, alembic.revisions) == (status, table, revisions)
