CREATE FUNCTION add_one(value integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT value + 1 $$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
CREATE PROCEDURE noop() LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
