CREATE TABLE providers (
    id integer PRIMARY KEY,
    npi varchar(10) NOT NULL,
    license_count integer,
    gender text,
    home_zip text,
    status text DEFAULT 'active',
    score numeric(5,2),
    badge_id integer GENERATED ALWAYS AS IDENTITY,
    display_name text GENERATED ALWAYS AS (upper(npi)) STORED,
    notes text NOT NULL DEFAULT ''
);
