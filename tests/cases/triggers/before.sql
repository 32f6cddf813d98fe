CREATE TABLE documents (id integer PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER documents_touch BEFORE UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER documents_audit AFTER INSERT ON documents FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER documents_check BEFORE INSERT ON documents FOR EACH ROW EXECUTE FUNCTION touch();
