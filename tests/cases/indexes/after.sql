-- the unique index is missing (duplicates possible), licenses_provider is missing,
-- licenses_expiring lost its predicate, licenses_state covers another column, one index is extra.
CREATE TABLE licenses (id integer PRIMARY KEY, provider_id integer, state char(2), number text, expires date);
CREATE INDEX licenses_expiring ON licenses (expires);
CREATE INDEX licenses_state ON licenses (state, number);
CREATE INDEX licenses_number_hash ON licenses USING hash (number);
