-- The expected schema: two range types. Each comes with a multirange type and constructor
-- functions, which are part of the range type and never findings of their own.
CREATE TYPE price_range AS RANGE (subtype = numeric);
CREATE TYPE score_range AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TABLE offers (id integer PRIMARY KEY, price price_range, score score_range);
