-- The live database: someone granted the support role the SSN and PUBLIC the notes, and the
-- email correction grant is gone. No table privilege changed.
DO $$ BEGIN CREATE ROLE pgdrift_case_support; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE patients (id integer PRIMARY KEY, name text, email text, ssn text, notes text);
GRANT SELECT (id, name, email, ssn) ON patients TO pgdrift_case_support;
GRANT SELECT (notes) ON patients TO PUBLIC;
