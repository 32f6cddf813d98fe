SELECT n.nspname AS schema,
       c.relname AS table,
       pol.polname AS name,
       CASE pol.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update'
                       WHEN 'd' THEN 'delete' ELSE 'all' END AS command,
       pol.polpermissive AS permissive,
       array(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE (SELECT rolname FROM pg_roles WHERE oid = r) END
             FROM unnest(pol.polroles) AS r ORDER BY 1) AS roles,
       pg_get_expr(pol.polqual, pol.polrelid) AS using,
       pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check
FROM pg_policy AS pol
JOIN pg_class AS c ON c.oid = pol.polrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relnamespace = ANY (:namespaces::oid[])
ORDER BY schema, "table", name
