-- Comments come from a join on pg_description rather than obj_description(), a SQL function
-- called once per row (issue 2 benchmark).
SELECT n.nspname AS schema,
       c.relname AS name,
       CASE c.relkind WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table'
                      ELSE 'table' END AS kind,
       CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'permanent' END AS persistence,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       (SELECT json_build_array(pn.nspname, pc.relname)
        FROM pg_inherits AS i
        JOIN pg_class AS pc ON pc.oid = i.inhparent
        JOIN pg_namespace AS pn ON pn.oid = pc.relnamespace
        WHERE c.relispartition AND i.inhrelid = c.oid) AS partition_of,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       array(SELECT json_build_array(pn.nspname, pc.relname)
             FROM pg_inherits AS i
             JOIN pg_class AS pc ON pc.oid = i.inhparent
             JOIN pg_namespace AS pn ON pn.oid = pc.relnamespace
             WHERE NOT c.relispartition AND i.inhrelid = c.oid
             ORDER BY i.inhseqno) AS inherits,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       CASE c.relreplident WHEN 'f' THEN 'full' WHEN 'n' THEN 'nothing'
           WHEN 'i' THEN (SELECT 'index ' || quote_ident(ic.relname) FROM pg_index AS ri
                          JOIN pg_class AS ic ON ic.oid = ri.indexrelid
                          WHERE ri.indrelid = c.oid AND ri.indisreplident)
           ELSE 'default' END AS replica_identity,
       coalesce(array(SELECT o FROM unnest(c.reloptions) AS o ORDER BY o), '{}') AS options,
       des.description AS comment,
       c.reltuples::int8 AS row_estimate
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_description AS des
       ON des.objoid = c.oid AND des.classoid = 'pg_class'::regclass AND des.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'f')
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY schema, name
