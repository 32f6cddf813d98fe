-- events_2025 is missing; page_cache is logged; trucks no longer inherits; audit lost its fillfactor;
-- vehicles' replica identity is back to its primary key, so CDC (DMS) sends only keys for deletes.
CREATE TABLE events (id bigint, at date NOT NULL, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE page_cache (key text PRIMARY KEY, body bytea);
CREATE TABLE vehicles (id integer PRIMARY KEY, wheels integer);
CREATE TABLE trucks (id integer NOT NULL, wheels integer, payload_kg integer);
CREATE TABLE audit (id integer, at timestamptz);
