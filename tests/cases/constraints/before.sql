CREATE TABLE teams (id integer PRIMARY KEY, slug text NOT NULL);
CREATE TABLE members (
    id integer,
    team_id integer,
    email text,
    age integer,
    CONSTRAINT members_pkey PRIMARY KEY (id),
    CONSTRAINT members_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
    CONSTRAINT members_email_key UNIQUE (email),
    CONSTRAINT members_age_check CHECK (age >= 18)
);
CREATE TABLE rooms (id integer PRIMARY KEY, area box, CONSTRAINT rooms_no_overlap EXCLUDE USING gist (area WITH &&));
ALTER TABLE teams ADD CONSTRAINT teams_slug_check CHECK (slug <> '');
CREATE TABLE shifts (id integer PRIMARY KEY, team_id integer,
    CONSTRAINT shifts_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED);
