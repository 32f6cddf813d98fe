-- Comments come from a join on pg_description rather than obj_description(), a SQL function
-- called once per row (issue 2 benchmark). `qualified_columns`: the server is older than 16 and
-- qualifies every column in view text (the reader rewrites it; see pgdrift.catalog.deparsed).
SELECT n.nspname AS schema,
       c.relname AS name,
       c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid) AS definition,
       current_setting('server_version_num')::int < 160000 AS qualified_columns,
       coalesce(array(SELECT o FROM unnest(c.reloptions) AS o ORDER BY o), '{}') AS options,
       des.description AS comment
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_description AS des
       ON des.objoid = c.oid AND des.classoid = 'pg_class'::regclass AND des.objsubid = 0
WHERE c.relkind IN ('v', 'm')
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY schema, name
