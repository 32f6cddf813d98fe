-- The body travels as text and is normalised and hashed by the reader (pgdrift.catalog.reader), so
-- that formatting-only edits do not count. SQL-standard bodies (BEGIN ATOMIC) live in
-- prosqlbody, not prosrc. An aggregate's prosrc is a placeholder: its body is its pg_aggregate
-- row (functions as regprocedure, types as regtype, schema-qualified by the session's
-- search_path). A range type's constructor functions (internal dependents of the type, deptype
-- 'i') are part of the range type (range_types.sql).
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
       p.proleakproof AS leakproof,
       CASE WHEN p.pronargdefaults > 0 THEN pg_get_function_arguments(p.oid) END AS argument_defaults,
       p.proisstrict AS strict,
       CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END
           AS parallel,
       coalesce(array(SELECT o FROM unnest(p.proconfig) AS o ORDER BY o), '{}') AS config,
       CASE WHEN p.prokind = 'a' THEN
            (SELECT row_to_json(agg)::text FROM (
                SELECT a.aggkind AS kind, a.aggnumdirectargs AS direct_arguments,
                       a.aggtransfn::regprocedure::text AS sfunc, a.aggtranstype::regtype::text AS stype,
                       a.aggtransspace AS sspace, a.agginitval AS initcond,
                       nullif(a.aggfinalfn, 0)::regprocedure::text AS finalfunc,
                       a.aggfinalextra AS finalfunc_extra, a.aggfinalmodify AS finalfunc_modify,
                       nullif(a.aggcombinefn, 0)::regprocedure::text AS combinefunc,
                       nullif(a.aggserialfn, 0)::regprocedure::text AS serialfunc,
                       nullif(a.aggdeserialfn, 0)::regprocedure::text AS deserialfunc,
                       nullif(a.aggmtransfn, 0)::regprocedure::text AS msfunc,
                       nullif(a.aggminvtransfn, 0)::regprocedure::text AS minvfunc,
                       nullif(a.aggmtranstype, 0)::regtype::text AS mstype,
                       a.aggmtransspace AS msspace, a.aggminitval AS minitcond,
                       nullif(a.aggmfinalfn, 0)::regprocedure::text AS mfinalfunc,
                       a.aggmfinalextra AS mfinalfunc_extra, a.aggmfinalmodify AS mfinalfunc_modify,
                       nullif(a.aggsortop, 0)::regoperator::text AS sortop
                FROM pg_aggregate AS a WHERE a.aggfnoid = p.oid) AS agg)
       ELSE coalesce(pg_get_function_sqlbody(p.oid), p.prosrc) END AS body,
       obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
JOIN pg_language AS l ON l.oid = p.prolang
WHERE p.pronamespace = ANY (:namespaces::oid[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend AS d
      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
        AND (d.deptype = 'e' OR (d.deptype = 'i' AND d.refclassid = 'pg_type'::regclass)))
ORDER BY schema, name, arguments
