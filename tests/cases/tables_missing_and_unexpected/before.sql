CREATE TABLE providers (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE payment_methods (
    id integer PRIMARY KEY,
    provider_id integer NOT NULL REFERENCES providers (id),
    brand text NOT NULL,
    last4 char(4)
);
CREATE INDEX payment_methods_provider ON payment_methods (provider_id);
