CREATE SCHEMA billing;
COMMENT ON SCHEMA billing IS 'invoices and payments';
CREATE SCHEMA reporting;
CREATE TABLE billing.invoices (id integer PRIMARY KEY);
