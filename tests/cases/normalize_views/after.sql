CREATE TABLE orders (id integer PRIMARY KEY, total numeric, status text);
-- Same views, other whitespace, case, qualification and redundant parentheses.
create   view   open_orders as
    select orders.id,
           orders.total
      from public.orders
     where (orders.status = 'open'::text);
CREATE MATERIALIZED VIEW order_totals AS
    SELECT status,
           SUM(total) AS total
    FROM orders
    GROUP BY status;
