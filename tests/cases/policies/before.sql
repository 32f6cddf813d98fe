DO $$ BEGIN CREATE ROLE pgdrift_case_tenant; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE notes (id integer PRIMARY KEY, tenant text NOT NULL, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON notes FOR SELECT TO pgdrift_case_tenant USING (tenant = current_user);
CREATE POLICY notes_insert ON notes FOR INSERT TO pgdrift_case_tenant WITH CHECK (tenant = current_user);
CREATE TABLE files (id integer PRIMARY KEY, owner text);
ALTER TABLE files ENABLE ROW LEVEL SECURITY;
ALTER TABLE files FORCE ROW LEVEL SECURITY;
