CREATE FUNCTION tax(amount numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT amount * 0.2 $$;
CREATE FUNCTION fee(amount numeric) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT amount * 0.01 $$;
CREATE FUNCTION whoami() RETURNS text LANGUAGE sql SECURITY DEFINER AS $$ SELECT current_user::text $$;
CREATE FUNCTION discount(amount numeric, code text) RETURNS numeric LANGUAGE sql AS $$ SELECT amount $$;
CREATE PROCEDURE archive_orders(before_date date) LANGUAGE sql AS $$ SELECT 1 $$;
