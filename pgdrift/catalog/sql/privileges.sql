-- Grants on tables, views, columns, sequences, schemas and routines, one row per object and
-- grantee. A column's grants (GRANT SELECT (col) ...) are its own ACL, empty unless granted.
-- The owner's own (implicit) privileges are left out: owners legitimately differ between a
-- scratch database and production. A missing ACL means the defaults (acldefault), as the
-- server itself interprets it. pg_roles is used because pg_authid is not readable.
-- Grants to the role taking the snapshot are left out too: the monitoring role's own USAGE and
-- SELECT on alembic_version exist only where it is installed, not in the expected schema.
WITH acl AS (
    SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END AS object_type,
           json_build_array(n.nspname, c.relname) AS object,
           (aclexplode(coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char",
                                                     c.relowner)))).*,
           c.relowner AS owner
    FROM pg_class AS c
    JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
      AND c.relnamespace = ANY (:namespaces::oid[])
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend AS d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'i'))
    UNION ALL
    SELECT 'schema', json_build_array(n.nspname),
           (aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner)))).*, n.nspowner
    FROM pg_namespace AS n
    WHERE n.oid = ANY (:namespaces::oid[])
    UNION ALL
    SELECT 'column', json_build_array(n.nspname, c.relname, a.attname),
           (aclexplode(a.attacl)).*, c.relowner
    FROM pg_attribute AS a
    JOIN pg_class AS c ON c.oid = a.attrelid
    JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
      AND c.relnamespace = ANY (:namespaces::oid[])
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend AS d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'i'))
    UNION ALL
    SELECT 'function', json_build_array(n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
           (aclexplode(coalesce(p.proacl, acldefault('f', p.proowner)))).*, p.proowner
    FROM pg_proc AS p
    JOIN pg_namespace AS n ON n.oid = p.pronamespace
    WHERE p.pronamespace = ANY (:namespaces::oid[])
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend AS d
          WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
            AND (d.deptype = 'e' OR (d.deptype = 'i' AND d.refclassid = 'pg_type'::regclass)))
)
SELECT acl.object_type,
       acl.object::text::json AS object,
       CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE r.rolname END AS grantee,
       array_agg(DISTINCT acl.privilege_type ORDER BY acl.privilege_type) AS privileges,
       coalesce(array_agg(DISTINCT acl.privilege_type ORDER BY acl.privilege_type)
                FILTER (WHERE acl.is_grantable), '{}') AS grantable
FROM acl
LEFT JOIN pg_roles AS r ON r.oid = acl.grantee
WHERE acl.grantee <> acl.owner
  AND (r.rolname IS NULL OR r.rolname <> current_user)
GROUP BY acl.object_type, acl.object::text, acl.grantee, r.rolname
-- json has no ordering: `object` sorts as its text, the form GROUP BY uses.
ORDER BY object_type, object::text, grantee
