-- The live database: the total was recreated starting at one, the default page size is 500,
-- and the comparison lost LEAKPROOF (RLS queries that use it can no longer use indexes). The
-- function bodies are the same.
CREATE AGGREGATE running_total(numeric) (SFUNC = numeric_add, STYPE = numeric, INITCOND = '1');
CREATE FUNCTION page(number integer, size integer DEFAULT 500) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT number * size $$;
CREATE FUNCTION same_tenant(a integer, b integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT a = b $$;
