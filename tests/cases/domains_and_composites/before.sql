CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN positive_int AS integer NOT NULL CHECK (VALUE > 0);
CREATE TYPE money_amount AS (currency char(3), amount numeric(12,2));
CREATE TYPE geo_point AS (lat double precision, lon double precision);
