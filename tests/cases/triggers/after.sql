-- documents_touch is disabled; documents_audit is missing; documents_check fires on update too;
-- documents_debug is extra.
CREATE TABLE documents (id integer PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER documents_touch BEFORE UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE documents DISABLE TRIGGER documents_touch;
CREATE TRIGGER documents_check BEFORE INSERT OR UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER documents_debug AFTER DELETE ON documents FOR EACH ROW EXECUTE FUNCTION touch();
