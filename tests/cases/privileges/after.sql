-- the app holds DELETE instead of UPDATE; the auditor lost SELECT; the sequence grant is
-- missing; total() is executable by PUBLIC again.
DO $$ BEGIN CREATE ROLE pgdrift_case_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgdrift_case_audit; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE invoices (id integer PRIMARY KEY);
CREATE SEQUENCE invoice_numbers;
CREATE FUNCTION total() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
GRANT SELECT, INSERT, DELETE ON invoices TO pgdrift_case_app;
GRANT EXECUTE ON FUNCTION total() TO pgdrift_case_app;
