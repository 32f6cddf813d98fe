-- The expected schema: the support role may read a patient's name and email and correct the
-- email; nobody else sees any column.
DO $$ BEGIN CREATE ROLE pgdrift_case_support; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE patients (id integer PRIMARY KEY, name text, email text, ssn text, notes text);
GRANT SELECT (id, name, email), UPDATE (email) ON patients TO pgdrift_case_support;
