-- Rewrite rules (CREATE RULE) on tables and views. A view's own query is its _RETURN rule,
-- read as the view. pg_get_ruledef, like pg_get_viewdef, keeps AccessShareLock on the relations
-- the rule's query reads until the transaction ends, so rules are read with the views, last
-- (see pgdrift.catalog.reader.batches).
SELECT n.nspname AS schema,
       c.relname AS table,
       rw.rulename AS name,
       pg_get_ruledef(rw.oid) AS definition,
       CASE rw.ev_enabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                          WHEN 'A' THEN 'always' END AS enabled,
       des.description AS comment
FROM pg_rewrite AS rw
JOIN pg_class AS c ON c.oid = rw.ev_class
JOIN pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_description AS des
       ON des.objoid = rw.oid AND des.classoid = 'pg_rewrite'::regclass AND des.objsubid = 0
WHERE rw.rulename <> '_RETURN'
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY schema, "table", name
