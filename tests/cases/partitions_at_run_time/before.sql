-- The expected schema: events partitioned by day, with the partitions the migrations made;
-- audit partitioned by year.
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, payload jsonb, PRIMARY KEY (id, at))
    PARTITION BY RANGE (at);
CREATE INDEX events_at ON events (at);
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE TABLE events_p2026_11_22 PARTITION OF events FOR VALUES FROM ('2026-11-22') TO ('2026-11-23');
CREATE TABLE audit (at date NOT NULL, entry text) PARTITION BY RANGE (at);
CREATE TABLE audit_2026 PARTITION OF audit FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
