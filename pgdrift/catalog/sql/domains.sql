-- PostgreSQL 17+ also records a domain's NOT NULL as a constraint (contype 'n'); nullability
-- is modelled once, from typnotnull, so that 16 and 18 agree.
SELECT n.nspname AS schema,
       t.typname AS name,
       format_type(t.typbasetype, t.typtypmod) AS base_type,
       t.typnotnull AS not_null,
       t.typdefault AS default,
       array(SELECT con.conname || ': ' || pg_get_constraintdef(con.oid)
             FROM pg_constraint AS con
             WHERE con.contypid = t.oid AND con.contype <> 'n'
             ORDER BY con.conname) AS constraints,
       CASE WHEN t.typcollation <> bt.typcollation THEN
            (SELECT json_build_array(cn.nspname, co.collname) FROM pg_collation AS co
             JOIN pg_namespace AS cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation)
       END AS collation,
       obj_description(t.oid, 'pg_type') AS comment
FROM pg_type AS t
JOIN pg_namespace AS n ON n.oid = t.typnamespace
JOIN pg_type AS bt ON bt.oid = t.typbasetype
WHERE t.typtype = 'd'
  AND t.typnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY schema, name
