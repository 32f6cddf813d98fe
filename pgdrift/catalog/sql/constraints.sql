-- Table constraints except NOT NULL (contype 'n', PostgreSQL 18; modelled on the column) and
-- constraint triggers (contype 't'; see triggers.sql).
-- `enforced` (conenforced, PostgreSQL 18+) is read from the definition, which ends in
-- NOT ENFORCED exactly when it is false: selecting the column would fail on 16, and
-- to_jsonb(con) costs a third of the query (issue 2 benchmark). Comments come from a join on
-- pg_description rather than obj_description(), a SQL function called once per row.
SELECT n.nspname AS schema,
       c.relname AS table,
       con.conname AS name,
       CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key'
                        WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion'
       END AS type,
       def.definition,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred,
       con.convalidated AS validated,
       def.definition !~ ' NOT ENFORCED( NOT VALID)?$' AS enforced,
       CASE WHEN con.contype = 'f' THEN
            (SELECT json_build_array(rn.nspname, rc.relname) FROM pg_class AS rc
             JOIN pg_namespace AS rn ON rn.oid = rc.relnamespace WHERE rc.oid = con.confrelid)
       END AS references,
       des.description AS comment
FROM pg_constraint AS con
CROSS JOIN LATERAL (SELECT pg_get_constraintdef(con.oid) AS definition OFFSET 0) AS def
JOIN pg_class AS c ON c.oid = con.conrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_description AS des
       ON des.objoid = con.oid AND des.classoid = 'pg_constraint'::regclass AND des.objsubid = 0
WHERE con.contype IN ('p', 'f', 'u', 'c', 'x')
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY schema, "table", name
