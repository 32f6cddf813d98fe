CREATE TABLE events (id bigint, at date NOT NULL, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE UNLOGGED TABLE page_cache (key text PRIMARY KEY, body bytea);
CREATE TABLE vehicles (id integer PRIMARY KEY, wheels integer);
ALTER TABLE vehicles REPLICA IDENTITY FULL;
CREATE TABLE trucks (payload_kg integer) INHERITS (vehicles);
CREATE TABLE audit (id integer, at timestamptz) WITH (fillfactor = 70);
