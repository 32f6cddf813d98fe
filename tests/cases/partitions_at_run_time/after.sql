-- The live database: a scheduled job (pg_partman, say) made two daily partitions of events, with
-- their indexes and keys: one finding on events, not one per partition per day. The partition
-- of 2026-11-22 that a migration made is missing, and so is audit's 2026 partition (writes into
-- their ranges fail); neither is taken for a rename of a new partition. A partitioned table no
-- migration knows came with a partition of its own: both reported as they are.
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, payload jsonb, PRIMARY KEY (id, at))
    PARTITION BY RANGE (at);
CREATE INDEX events_at ON events (at);
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE TABLE events_p2026_11_23 PARTITION OF events FOR VALUES FROM ('2026-11-23') TO ('2026-11-24');
CREATE TABLE events_p2026_11_24 PARTITION OF events FOR VALUES FROM ('2026-11-24') TO ('2026-11-25');
CREATE TABLE audit (at date NOT NULL, entry text) PARTITION BY RANGE (at);
CREATE TABLE scratch (n integer) PARTITION BY LIST (n);
CREATE TABLE scratch_1 PARTITION OF scratch FOR VALUES IN (1);
