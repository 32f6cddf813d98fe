SELECT n.nspname AS name,
       obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_namespace AS n
WHERE n.oid = ANY (:namespaces::oid[])
ORDER BY name
