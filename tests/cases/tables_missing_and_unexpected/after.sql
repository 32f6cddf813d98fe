-- payment_methods never reached this database; tmp_import was left behind by hand.
CREATE TABLE providers (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE tmp_import (line text);
