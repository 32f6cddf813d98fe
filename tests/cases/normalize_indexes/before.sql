CREATE TABLE accounts (id integer PRIMARY KEY, email text NOT NULL, region text, active boolean);
CREATE INDEX accounts_email_lower ON accounts (lower(email));
CREATE UNIQUE INDEX accounts_region_email ON accounts (region, email) WHERE active;
CREATE INDEX accounts_region ON accounts (region DESC);
ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email <> '');
