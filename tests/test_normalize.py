"""One test per normalization: presentation-only differences never change a snapshot."""

from __future__ import annotations

import pytest

from pgdrift.catalog.connect import parse_dsn
from pgdrift.catalog.reader import (
    _privilege_names,
    body_hash,
    build_objects,
    check_server_version,
    index_predicate,
    normalize_whitespace,
    read_snapshot,
)
from pgdrift.errors import CatalogError
from pgdrift.schema.kinds import BY_NAME
from pgdrift.schema.normalize import unqualify
from tests.support import TestServer, connect


def test_view_text_whitespace() -> None:
    assert normalize_whitespace(" SELECT a,\n    b\n   FROM t;  ") == "SELECT a, b FROM t;"
    assert normalize_whitespace("SELECT 1") != normalize_whitespace("SELECT 2")


def test_function_body_indentation_and_trailing_space() -> None:
    assert body_hash("\n  BEGIN\n    RETURN 1;   \n  END\n\n") == body_hash("BEGIN\n    RETURN 1;\n  END")
    assert body_hash("BEGIN RETURN 1; END") != body_hash("BEGIN RETURN 2; END")


@pytest.mark.parametrize(("printed", "definition"), [
    ("CHECK ((x > 0)) NOT VALID", "CHECK ((x > 0))"),
    ("CHECK ((x > 0)) NOT ENFORCED", "CHECK ((x > 0))"),
    ("FOREIGN KEY (a) REFERENCES public.p(id) NOT ENFORCED NOT VALID", "FOREIGN KEY (a) REFERENCES public.p(id)"),
    ("CHECK ((x > 0))", "CHECK ((x > 0))"),
    # Inside the definition, not a suffix: kept.
    ("CHECK ((note <> ' NOT VALID'::text))", "CHECK ((note <> ' NOT VALID'::text))"),
])
def test_not_valid_and_not_enforced_suffixes_live_in_their_own_attributes(printed: str, definition: str) -> None:
    kind = BY_NAME["constraint"]
    row = {"schema": "public", "table": "t", "name": "c", "type": "check", "validated": False,
           "definition": printed}
    (constraint,) = build_objects(kind, [row], ()).values()
    assert constraint.definition == definition
    assert constraint.validated is False


def test_grant_all_reads_the_same_with_and_without_maintain() -> None:
    pg16 = ["DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"]
    assert _privilege_names(pg16, "table") == ["ALL"]
    assert _privilege_names([*pg16, "MAINTAIN"], "table") == ["ALL"]
    assert _privilege_names(["SELECT", "INSERT"], "table") == ["INSERT", "SELECT"]
    assert _privilege_names(["EXECUTE"], "function") == ["EXECUTE"]


def test_duplicate_keys_are_an_error_not_a_merge() -> None:
    kind = BY_NAME["schema"]
    try:
        build_objects(kind, [{"name": "a"}, {"name": "a"}], ())
    except Exception as error:
        assert "two objects share the name a" in str(error)
    else:
        raise AssertionError("duplicate schema keys were merged silently")


def test_function_formatting_on_a_live_server(server: TestServer) -> None:
    tight = server.create_database("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$BEGIN\n"
                                   "  RETURN 1;\nEND$$;")
    loose = server.create_database("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\n\n"
                                   "BEGIN\n  RETURN 1;   \nEND\n\n$$;")
    changed = server.create_database("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$BEGIN\n"
                                     "  RETURN 2;\nEND$$;")
    hashes = [read_snapshot(parse_dsn(dsn)).of_kind("function")["public.f()"].body_sha256
              for dsn in (tight, loose, changed)]
    assert hashes[0] == hashes[1]
    assert hashes[0] != hashes[2]


def test_view_and_default_formatting_on_a_live_server(server: TestServer) -> None:
    compact = server.create_database(
        "CREATE TABLE t (a int DEFAULT (1+1), b text DEFAULT 'x'::text);"
        "CREATE VIEW v AS SELECT a,b FROM t WHERE a>1;")
    spaced = server.create_database(
        "CREATE TABLE t (a int DEFAULT ( 1 + 1 ), b text DEFAULT 'x');"
        "CREATE VIEW v AS\n  SELECT a,\n         b\n    FROM t\n   WHERE a > 1;")
    first, second = (read_snapshot(parse_dsn(dsn)) for dsn in (compact, spaced))
    assert first.fingerprint == second.fingerprint


TRICKY_PARTIAL_INDEXES = """
CREATE TABLE "odd WHERE table" (id int, note text, "x WHERE y" int, at timestamptz);
CREATE INDEX "idx WHERE name" ON "odd WHERE table" (id) WHERE note <> ' WHERE (';
CREATE INDEX odd_expr ON "odd WHERE table" ((coalesce(note, ' WHERE ')), lower(note))
    INCLUDE ("x WHERE y") WITH (fillfactor = 80) WHERE ("x WHERE y" > 0 AND note LIKE '%'')%');
CREATE INDEX odd_plain ON "odd WHERE table" (at);
CREATE UNIQUE INDEX odd_unique ON "odd WHERE table" (id) NULLS NOT DISTINCT WHERE id > 0 AND at IS NOT NULL;
"""


def test_partial_index_predicates_are_cut_from_the_definition_as_pg_get_expr_prints_them(
        server: TestServer) -> None:
    # The reader takes the predicate from pg_get_indexdef's text (pg_get_expr would open the
    # table); it must be exactly what pg_get_expr prints, whatever quotes and parentheses hold.
    dsn = server.create_database(TRICKY_PARTIAL_INDEXES)
    admin = connect(dsn)
    try:
        printed = dict(admin.run("SELECT c.relname, pg_get_expr(i.indpred, i.indrelid) FROM pg_index AS i "
                                 "JOIN pg_class AS c ON c.oid = i.indexrelid JOIN pg_namespace AS n "
                                 "ON n.oid = c.relnamespace WHERE n.nspname = 'public'"))
    finally:
        admin.close()
    indexes = read_snapshot(parse_dsn(dsn)).of_kind("index")
    read = {index.name: index.predicate for index in indexes.values()}
    assert read == printed
    assert read["odd_plain"] is None and read["idx WHERE name"] == "(note <> ' WHERE ('::text)"


def test_a_partial_index_without_where_is_an_error_not_a_guess() -> None:
    with pytest.raises(CatalogError, match="no WHERE clause"):
        index_predicate("CREATE INDEX i ON public.t USING btree (\"a WHERE b\")")


# What PostgreSQL 15 and 18 print for the same views (pg_get_viewdef, search_path pg_catalog,
# whitespace collapsed), recorded from both servers; tests/test_pg15.py checks the same live.
PG15_AND_PG18_VIEW_TEXT = [
    ("SELECT p.id FROM public.t p WHERE (p.b IS NOT NULL);",
     "SELECT id FROM public.t p WHERE (b IS NOT NULL);"),
    ("SELECT t.id FROM public.t WHERE ((t.b > 3) AND (t.a ~~ 't.%'::text));",
     "SELECT id FROM public.t WHERE ((b > 3) AND (a ~~ 't.%'::text));"),
    ("SELECT t.id FROM public.t WHERE (EXISTS ( SELECT 1 FROM public.u WHERE (u.t_id = t.id)));",
     "SELECT id FROM public.t WHERE (EXISTS ( SELECT 1 FROM public.u WHERE (u.t_id = t.id)));"),
    ("SELECT t.id, ( SELECT count(*) AS count FROM public.u WHERE (u.t_id = t.id)) AS n FROM public.t;",
     "SELECT id, ( SELECT count(*) AS count FROM public.u WHERE (u.t_id = t.id)) AS n FROM public.t;"),
    ("WITH c AS ( SELECT t.id, t.b FROM public.t WHERE (t.b > 0) ) SELECT c.id FROM c WHERE (c.b < 10);",
     "WITH c AS ( SELECT t.id, t.b FROM public.t WHERE (t.b > 0) ) SELECT id FROM c WHERE (b < 10);"),
    ("SELECT s.id FROM ( SELECT t.id, t.b FROM public.t) s WHERE (s.b = 1);",
     "SELECT id FROM ( SELECT t.id, t.b FROM public.t) s WHERE (b = 1);"),
    ("SELECT g.g FROM generate_series(1, 3) g(g);", "SELECT g FROM generate_series(1, 3) g(g);"),
    ("SELECT v.n FROM ( VALUES (1), (2)) v(n);", "SELECT n FROM ( VALUES (1), (2)) v(n);"),
    ('SELECT "My T".id, "My T".v FROM public."My T";', 'SELECT id, v FROM public."My T";'),
    ("SELECT t.b, count(*) AS n FROM public.t GROUP BY t.b HAVING (count(*) > 1) ORDER BY t.b;",
     "SELECT b, count(*) AS n FROM public.t GROUP BY b HAVING (count(*) > 1) ORDER BY b;"),
    # Printed alike by both, and left alone: a join, a set operation, a whole-row reference.
    ("SELECT t.id, u.label FROM (public.t JOIN public.u ON ((u.t_id = t.id)));",
     "SELECT t.id, u.label FROM (public.t JOIN public.u ON ((u.t_id = t.id)));"),
    ("SELECT t.id FROM public.t UNION SELECT u.x AS id FROM public.u;",
     "SELECT t.id FROM public.t UNION SELECT u.x AS id FROM public.u;"),
    ("SELECT row_to_json(t.*) AS j FROM public.t;", "SELECT row_to_json(t.*) AS j FROM public.t;"),
]


@pytest.mark.parametrize(("pg15", "pg18"), PG15_AND_PG18_VIEW_TEXT)
def test_view_text_of_postgresql_15_reads_as_16_and_later_print_it(pg15: str, pg18: str) -> None:
    assert unqualify(pg15) == pg18
    assert unqualify(pg18) == pg18  # the newer form is a fixed point


def test_a_server_older_than_14_is_refused_with_its_version() -> None:
    with pytest.raises(CatalogError) as raised:
        check_server_version("13.16", 130016, "app")
    assert "the server runs PostgreSQL 13.16, and pgdrift reads PostgreSQL 14 and later" in str(raised.value)
    check_server_version("14.0", 140000, "app")  # 14 is read
