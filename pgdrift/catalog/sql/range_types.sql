-- Range types (CREATE TYPE ... AS RANGE). The server makes a multirange type and constructor
-- functions with each one; they come and go with it, so functions.sql leaves them out and the
-- multirange is an attribute here. Functions print with their argument types (regprocedure),
-- schema-qualified unless in pg_catalog (the session's search_path).
SELECT n.nspname AS schema,
       t.typname AS name,
       format_type(r.rngsubtype, NULL) AS subtype,
       (SELECT json_build_array(ocn.nspname, oc.opcname) FROM pg_opclass AS oc
        JOIN pg_namespace AS ocn ON ocn.oid = oc.opcnamespace WHERE oc.oid = r.rngsubopc) AS subtype_opclass,
       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN
            (SELECT json_build_array(cn.nspname, co.collname) FROM pg_collation AS co
             JOIN pg_namespace AS cn ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation)
       END AS collation,
       CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::regprocedure::text END AS canonical,
       CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regprocedure::text END AS subtype_diff,
       format_type(r.rngmultitypid, NULL) AS multirange,
       des.description AS comment
FROM pg_range AS r
JOIN pg_type AS t ON t.oid = r.rngtypid
JOIN pg_type AS st ON st.oid = r.rngsubtype
JOIN pg_namespace AS n ON n.oid = t.typnamespace
LEFT JOIN pg_description AS des
       ON des.objoid = t.oid AND des.classoid = 'pg_type'::regclass AND des.objsubid = 0
WHERE t.typnamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY schema, name
