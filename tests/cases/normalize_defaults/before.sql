-- Defaults written one way...
CREATE TABLE settings (
    id integer PRIMARY KEY,
    retries integer DEFAULT 0,
    label text DEFAULT 'none',
    code varchar(8) DEFAULT 'x',
    ratio numeric(5,2) DEFAULT 1.5,
    created_at timestamptz DEFAULT now(),
    enabled boolean DEFAULT true,
    tags text[] DEFAULT '{}'
);
