SELECT n.nspname AS schema,
       c.relname AS name,
       c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid) AS definition,
       coalesce(array(SELECT o FROM unnest(c.reloptions) AS o ORDER BY o), '{}') AS options,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname
