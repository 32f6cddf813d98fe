-- Nullability comes from attnotnull on every version: PostgreSQL 18 also stores NOT NULL as
-- named pg_constraint rows, which constraints.sql leaves out.
-- Defaults are deparsed without their relation (relid 0): a DEFAULT cannot reference a column,
-- so the text is the same, and pg_get_expr then neither opens the table (building its relcache
-- entry: about 80 ms of server time at 5,000 tables with cold caches) nor locks it. Generated columns
-- do reference columns and keep it.
-- Comments come from a join on pg_description rather than col_description(), a SQL function
-- called once per row (issue 2 benchmark: a third of this query's time at 5,000 tables).
SELECT n.nspname AS schema,
       c.relname AS table,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END AS default,
       CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated,
       CASE a.attgenerated WHEN 's' THEN 'stored' WHEN 'v' THEN 'virtual' END AS generated_kind,
       CASE WHEN a.attcollation <> t.typcollation THEN
            (SELECT json_build_array(cn.nspname, co.collname) FROM pg_collation AS co
             JOIN pg_namespace AS cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation)
       END AS collation,
       des.description AS comment,
       a.attnum::int AS position
FROM pg_attribute AS a
JOIN pg_class AS c ON c.oid = a.attrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_type AS t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description AS des
       ON des.objoid = a.attrelid AND des.classoid = 'pg_class'::regclass AND des.objsubid = a.attnum
WHERE c.relkind IN ('r', 'p', 'f')
  AND a.attnum > 0 AND NOT a.attisdropped
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
-- No ORDER BY: on this, the largest answer (about 41,000 rows at 5,000 tables), sorting by
-- schema, "table", name spills to disk at the default work_mem and turns the plan's hash join on
-- pg_namespace into a nested loop over a materialised (on disk) join: +96 to +335 ms of server
-- time, 22-50% of the query (issue 14, bench/README.md). The reader keys and sorts every kind.
