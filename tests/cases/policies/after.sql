-- notes_tenant reads every row; notes_insert is missing; files has RLS switched off.
DO $$ BEGIN CREATE ROLE pgdrift_case_tenant; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE notes (id integer PRIMARY KEY, tenant text NOT NULL, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON notes FOR SELECT TO pgdrift_case_tenant USING (true);
CREATE TABLE files (id integer PRIMARY KEY, owner text);
