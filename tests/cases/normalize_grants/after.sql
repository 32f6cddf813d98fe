DO $$ BEGIN CREATE ROLE pgdrift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE ledger (id integer PRIMARY KEY);
CREATE TABLE journal (id integer PRIMARY KEY);
-- The same grants, spelled differently: ALL PRIVILEGES, split statements, another order.
GRANT ALL PRIVILEGES ON TABLE public.ledger TO pgdrift_case_reader;
GRANT INSERT ON TABLE journal TO pgdrift_case_reader;
GRANT SELECT ON journal TO pgdrift_case_reader;
GRANT SELECT ON journal TO pgdrift_case_reader;
GRANT USAGE ON SCHEMA public TO pgdrift_case_reader;
