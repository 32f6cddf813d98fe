-- The expected schema: a running total that starts at zero, a paging function with a default
-- page size, and a comparison the planner may push below row-level security.
CREATE AGGREGATE running_total(numeric) (SFUNC = numeric_add, STYPE = numeric, INITCOND = '0');
CREATE FUNCTION page(number integer, size integer DEFAULT 50) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT number * size $$;
CREATE FUNCTION same_tenant(a integer, b integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE LEAKPROOF AS $$ SELECT a = b $$;
