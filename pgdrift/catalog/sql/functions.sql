-- The body travels as text and is normalised and hashed by the reader (pgdrift.catalog), so
-- that formatting-only edits do not count. SQL-standard bodies (BEGIN ATOMIC) live in
-- prosqlbody, not prosrc. A range type's constructor functions (internal dependents of the
-- type, deptype 'i') are part of the range type (range_types.sql).
SELECT n.nspname AS schema,
       p.proname AS name,
       pg_get_function_identity_arguments(p.oid) AS arguments,
       CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure'
                      WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' END AS kind,
       pg_get_function_result(p.oid) AS result,
       l.lanname AS language,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END
           AS volatility,
       p.prosecdef AS security_definer,
       p.proisstrict AS strict,
       CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END
           AS parallel,
       coalesce(array(SELECT o FROM unnest(p.proconfig) AS o ORDER BY o), '{}') AS config,
       coalesce(pg_get_function_sqlbody(p.oid), p.prosrc) AS body,
       obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
JOIN pg_language AS l ON l.oid = p.prolang
WHERE p.pronamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
        AND (d.deptype = 'e' OR (d.deptype = 'i' AND d.refclassid = 'pg_type'::regclass)))
