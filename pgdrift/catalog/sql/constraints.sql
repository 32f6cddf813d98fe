-- Table constraints except NOT NULL (contype 'n', PostgreSQL 18; modelled on the column) and
-- constraint triggers (contype 't'; see triggers.sql).
SELECT n.nspname AS schema,
       c.relname AS table,
       con.conname AS name,
       CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key'
                        WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion'
       END AS type,
       pg_get_constraintdef(con.oid) AS definition,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred,
       con.convalidated AS validated,
       coalesce((to_jsonb(con) ->> 'conenforced')::boolean, true) AS enforced,
       CASE WHEN con.contype = 'f' THEN
            (SELECT json_build_array(rn.nspname, rc.relname) FROM pg_class AS rc
             JOIN pg_namespace AS rn ON rn.oid = rc.relnamespace WHERE rc.oid = con.confrelid)
       END AS references,
       obj_description(con.oid, 'pg_constraint') AS comment
FROM pg_constraint AS con
JOIN pg_class AS c ON c.oid = con.conrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE con.contype IN ('p', 'f', 'u', 'c', 'x')
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname, con.conname
