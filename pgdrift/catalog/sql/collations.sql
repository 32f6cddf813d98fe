-- colliculocale (PG 16) was renamed colllocale (PG 17); to_jsonb reads either without
-- version-specific SQL.
SELECT n.nspname AS schema,
       c.collname AS name,
       CASE c.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' WHEN 'c' THEN 'libc'
                           ELSE 'default' END AS provider,
       c.collcollate AS collate,
       c.collctype AS ctype,
       coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale') AS locale,
       c.collisdeterministic AS deterministic,
       obj_description(c.oid, 'pg_collation') AS comment
FROM pg_collation AS c
JOIN pg_namespace AS n ON n.oid = c.collnamespace
WHERE c.collnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_collation'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY schema, name
