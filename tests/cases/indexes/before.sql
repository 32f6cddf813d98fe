CREATE TABLE licenses (id integer PRIMARY KEY, provider_id integer, state char(2), number text, expires date);
CREATE UNIQUE INDEX licenses_state_number ON licenses (state, number);
CREATE INDEX licenses_provider ON licenses (provider_id);
CREATE INDEX licenses_expiring ON licenses (expires) WHERE expires IS NOT NULL;
CREATE INDEX licenses_state ON licenses (state);
