CREATE COLLATION posix_text (lc_collate = 'C', lc_ctype = 'C');
CREATE COLLATION legacy_order (lc_collate = 'C', lc_ctype = 'C');
CREATE TABLE names (id integer PRIMARY KEY, name text COLLATE posix_text);
