-- Every schema that is not a system, temporary or extension-owned schema.
-- Include/exclude patterns are applied by the reader; the other queries take the
-- resulting oids as :namespaces.
SELECT n.oid::int8 AS oid,
       n.nspname AS name
FROM pg_namespace AS n
WHERE n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
ORDER BY name
