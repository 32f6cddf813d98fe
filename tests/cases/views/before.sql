CREATE TABLE orders (id integer PRIMARY KEY, total numeric, status text);
CREATE VIEW open_orders AS SELECT id, total FROM orders WHERE status = 'open';
CREATE VIEW big_orders AS SELECT id FROM orders WHERE total > 1000;
CREATE MATERIALIZED VIEW order_totals AS SELECT status, sum(total) AS total FROM orders GROUP BY status;
CREATE VIEW secure_orders WITH (security_barrier) AS SELECT id FROM orders;
