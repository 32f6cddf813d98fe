DO $$ BEGIN CREATE ROLE pgdrift_case_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE ledger (id integer PRIMARY KEY);
CREATE TABLE journal (id integer PRIMARY KEY);
GRANT ALL ON ledger TO pgdrift_case_reader;
GRANT SELECT, INSERT ON journal TO pgdrift_case_reader;
GRANT USAGE ON SCHEMA public TO pgdrift_case_reader;
