CREATE TABLE providers (id integer PRIMARY KEY, full_name text NOT NULL, email_address text, npi text,
                        phone text);
