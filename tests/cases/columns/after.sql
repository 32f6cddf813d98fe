-- gender and home_zip are missing; legacy_code is extra; npi is wider (compatible);
-- license_count became text (incompatible); score became integer (incompatible);
-- status lost its default; notes accepts NULL; badge_id is no longer an identity;
-- display_name is computed differently.
CREATE TABLE providers (
    id integer PRIMARY KEY,
    npi varchar(20) NOT NULL,
    license_count text,
    status text,
    score integer,
    badge_id integer NOT NULL,
    display_name text GENERATED ALWAYS AS (lower(npi)) STORED,
    notes text DEFAULT '',
    legacy_code text
);
