-- Internal triggers (those that implement foreign keys) are part of the constraint.
-- Comments come from a join on pg_description rather than obj_description(), a SQL function
-- called once per row (issue 2 benchmark).
SELECT n.nspname AS schema,
       c.relname AS table,
       tg.tgname AS name,
       pg_get_triggerdef(tg.oid) AS definition,
       CASE tg.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' END AS enabled,
       des.description AS comment
FROM pg_trigger AS tg
JOIN pg_class AS c ON c.oid = tg.tgrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_description AS des
       ON des.objoid = tg.oid AND des.classoid = 'pg_trigger'::regclass AND des.objsubid = 0
WHERE NOT tg.tgisinternal
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY schema, "table", name
