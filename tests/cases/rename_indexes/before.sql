CREATE TABLE claims (id integer PRIMARY KEY, amount numeric, filed date);
CREATE INDEX ix_claims_filed ON claims (filed);
ALTER TABLE claims ADD CONSTRAINT claims_amount_positive CHECK (amount > 0);
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER claims_audit AFTER INSERT ON claims FOR EACH ROW EXECUTE FUNCTION noop();
CREATE INDEX ix_claims_amount ON claims (amount);
