-- The same base schema as ca_app.models, for --bootstrap-sql.
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
