-- posix_text now uses the POSIX locale; legacy_order was dropped.
CREATE COLLATION posix_text (lc_collate = 'POSIX', lc_ctype = 'POSIX');
CREATE TABLE names (id integer PRIMARY KEY, name text COLLATE posix_text);
