CREATE TABLE accounts (id integer PRIMARY KEY, email text NOT NULL, region text, active boolean);
-- Same indexes: explicit USING btree, upper case, extra parentheses, schema-qualified table.
CREATE INDEX accounts_email_lower ON public.accounts USING btree (LOWER( email ));
create unique index accounts_region_email on accounts using btree (region, email) where (active);
CREATE INDEX accounts_region ON accounts USING btree (region DESC NULLS FIRST);
ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK ((email <> ''::text));
