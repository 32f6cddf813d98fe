-- The live database: the archive rule is gone (archived orders can be deleted), the logging rule
-- was disabled during an incident and never re-enabled, and a hand-made rule swallows inserts
-- into the log.
CREATE TABLE orders (id integer PRIMARY KEY, archived boolean NOT NULL DEFAULT false);
CREATE TABLE order_log (order_id integer, at timestamptz DEFAULT now());
CREATE RULE orders_logged AS ON UPDATE TO orders DO ALSO INSERT INTO order_log (order_id) VALUES (NEW.id);
ALTER TABLE orders DISABLE RULE orders_logged;
CREATE RULE order_log_frozen AS ON INSERT TO order_log DO INSTEAD NOTHING;
