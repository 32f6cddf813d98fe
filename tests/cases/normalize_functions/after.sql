-- Same routines: other argument spelling, keyword order, and body indentation/trailing blanks.
CREATE OR REPLACE FUNCTION public.add_one(value int4) RETURNS int4 IMMUTABLE LANGUAGE SQL AS $$
 SELECT value + 1
$$;
create function touch() returns trigger as $body$
BEGIN
    NEW.updated_at := now();   
    RETURN NEW;
END;


$body$ language plpgsql;
CREATE PROCEDURE noop() LANGUAGE plpgsql AS $$
    BEGIN NULL; END
$$;
