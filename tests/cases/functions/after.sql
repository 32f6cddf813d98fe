-- tax has another body; fee became volatile; whoami is no longer security definer;
-- discount(numeric, text) is missing (an overload with one argument exists instead);
-- archive_orders is missing.
CREATE FUNCTION tax(amount numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT amount * 0.25 $$;
CREATE FUNCTION fee(amount numeric) RETURNS numeric LANGUAGE sql VOLATILE AS $$ SELECT amount * 0.01 $$;
CREATE FUNCTION whoami() RETURNS text LANGUAGE sql AS $$ SELECT current_user::text $$;
CREATE FUNCTION discount(amount numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT amount $$;
