-- open_orders now includes pending orders; big_orders and order_totals are missing;
-- secure_orders lost security_barrier; debug_orders is extra.
CREATE TABLE orders (id integer PRIMARY KEY, total numeric, status text);
CREATE VIEW open_orders AS SELECT id, total FROM orders WHERE status IN ('open', 'pending');
CREATE VIEW secure_orders AS SELECT id FROM orders;
CREATE VIEW debug_orders AS SELECT * FROM orders;
