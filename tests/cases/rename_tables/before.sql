-- The expected schema (what the migrations built): plural names, a channels table.
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE TABLE sessions (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    token text NOT NULL,
    expires_at timestamptz
);
CREATE INDEX ix_sessions_user_id ON sessions (user_id);
CREATE TABLE channels (id integer PRIMARY KEY, team_id integer NOT NULL, name text NOT NULL, topic text);
CREATE TABLE payment_methods (id integer PRIMARY KEY, brand text);
