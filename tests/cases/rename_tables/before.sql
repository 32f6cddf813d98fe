-- The expected schema (what the migrations built): plural names, a channels table.
DO $$ BEGIN CREATE ROLE pgdrift_case_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE TABLE sessions (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    token text NOT NULL,
    expires_at timestamptz
);
CREATE INDEX ix_sessions_user_id ON sessions (user_id);
GRANT SELECT (user_id, expires_at) ON sessions TO pgdrift_case_app;
CREATE TABLE channels (id integer PRIMARY KEY, team_id integer NOT NULL, name text NOT NULL, topic text);
CREATE TABLE payment_methods (id integer PRIMARY KEY, brand text);
