-- The live database: price_range was never created (so offers.price is a numrange instead),
-- score_range was recreated without its subtype_diff (GiST indexes on it get slower), and
-- someone added a name_range by hand.
CREATE TYPE score_range AS RANGE (subtype = float8);
CREATE TYPE name_range AS RANGE (subtype = text, collation = "C");
CREATE TABLE offers (id integer PRIMARY KEY, price numrange, score score_range);
