-- email lost its check, positive_int is gone; money_amount widened amount; geo_point is gone.
CREATE DOMAIN email AS text;
CREATE TYPE money_amount AS (currency char(3), amount numeric(14,2));
