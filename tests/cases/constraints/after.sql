-- members has no primary key, no foreign key and no unique email; the age check is weaker;
-- rooms lost its exclusion constraint; teams_slug_check was added NOT VALID;
-- shifts_team_fk is no longer deferrable; members_name_check was added by hand.
CREATE TABLE teams (id integer PRIMARY KEY, slug text NOT NULL);
CREATE TABLE members (
    id integer,
    team_id integer,
    email text,
    age integer,
    CONSTRAINT members_age_check CHECK (age >= 16),
    CONSTRAINT members_name_check CHECK (email IS NOT NULL)
);
CREATE TABLE rooms (id integer PRIMARY KEY, area box);
ALTER TABLE teams ADD CONSTRAINT teams_slug_check CHECK (slug <> '') NOT VALID;
CREATE TABLE shifts (id integer PRIMARY KEY, team_id integer,
    CONSTRAINT shifts_team_fk FOREIGN KEY (team_id) REFERENCES teams (id));
