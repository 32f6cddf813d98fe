-- Internal triggers (those that implement foreign keys) are part of the constraint.
SELECT n.nspname AS schema,
       c.relname AS table,
       tg.tgname AS name,
       pg_get_triggerdef(tg.oid) AS definition,
       CASE tg.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' END AS enabled,
       obj_description(tg.oid, 'pg_trigger') AS comment
FROM pg_trigger AS tg
JOIN pg_class AS c ON c.oid = tg.tgrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE NOT tg.tgisinternal
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname, tg.tgname
