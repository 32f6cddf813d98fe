-- full_name is called fullname (a rename); email_address is called email and is NOT NULL now
-- (a rename with a residual change); phone is simply gone; fax is simply new (another type,
-- not a rename candidate).
CREATE TABLE providers (id integer PRIMARY KEY, fullname text NOT NULL, email text NOT NULL, npi text,
                        fax bytea);
