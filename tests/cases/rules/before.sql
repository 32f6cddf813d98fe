-- The expected schema: deletes of archived orders are silently dropped by a rule, and every
-- update of an order is logged.
CREATE TABLE orders (id integer PRIMARY KEY, archived boolean NOT NULL DEFAULT false);
CREATE TABLE order_log (order_id integer, at timestamptz DEFAULT now());
CREATE RULE orders_keep_archived AS ON DELETE TO orders WHERE OLD.archived DO INSTEAD NOTHING;
CREATE RULE orders_logged AS ON UPDATE TO orders DO ALSO INSERT INTO order_log (order_id) VALUES (NEW.id);
