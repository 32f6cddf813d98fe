-- The live database: the old names, as in the motivating report (session, team_channels);
-- session.token still accepts NULL and team_channels has no topic yet. payment_methods is
-- missing and is not a rename of anything.
DO $$ BEGIN CREATE ROLE pgdrift_case_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE TABLE session (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    token text,
    expires_at timestamptz
);
CREATE INDEX ix_session_user_id ON session (user_id);
GRANT SELECT (user_id, expires_at) ON session TO pgdrift_case_app;
CREATE TABLE team_channels (id integer PRIMARY KEY, team_id integer NOT NULL, name text NOT NULL);
CREATE TABLE audit_log (id integer PRIMARY KEY, at timestamptz, entry text);
