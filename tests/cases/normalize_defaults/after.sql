-- ...and another (parentheses, explicit casts, spacing, case, type aliases): the same schema.
CREATE TABLE settings (
    id int4 PRIMARY KEY,
    retries int DEFAULT (0),
    label TEXT DEFAULT ('none'::text),
    code character varying(8) DEFAULT 'x'::varchar,
    ratio NUMERIC(5, 2) DEFAULT (1.5),
    created_at timestamp with time zone DEFAULT NOW( ),
    enabled bool DEFAULT TRUE,
    tags text[] DEFAULT '{}'::text[]
);
