-- The index, check and trigger exist under other names with identical definitions (renamed
-- by hand); ix_claims_amount was replaced by an index on another column (not a rename).
CREATE TABLE claims (id integer PRIMARY KEY, amount numeric, filed date);
CREATE INDEX claims_filed_idx ON claims (filed);
ALTER TABLE claims ADD CONSTRAINT claims_amount_check CHECK (amount > 0);
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER audit_claims AFTER INSERT ON claims FOR EACH ROW EXECUTE FUNCTION noop();
CREATE INDEX ix_claims_id_amount ON claims (id, amount);
