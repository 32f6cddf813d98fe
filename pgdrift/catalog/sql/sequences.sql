-- Identity columns own an internal sequence (deptype 'i'); it is described by the column's
-- `identity` attribute, not here, because its generated name is not part of the schema design.
-- Comments come from a join on pg_description rather than obj_description(), a SQL function
-- called once per row (issue 2 benchmark).
SELECT n.nspname AS schema,
       c.relname AS name,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS minimum,
       s.seqmax AS maximum,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       (SELECT json_build_array(tn.nspname, tc.relname, a.attname)
        FROM pg_depend AS d
        JOIN pg_class AS tc ON tc.oid = d.refobjid
        JOIN pg_namespace AS tn ON tn.oid = tc.relnamespace
        JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
        LIMIT 1) AS owned_by,
       des.description AS comment
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_sequence AS s ON s.seqrelid = c.oid
LEFT JOIN pg_description AS des
       ON des.objoid = c.oid AND des.classoid = 'pg_class'::regclass AND des.objsubid = 0
WHERE c.relkind = 'S'
  AND c.relnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'i'))
ORDER BY schema, name
