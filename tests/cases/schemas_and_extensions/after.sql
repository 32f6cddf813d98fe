-- reporting is missing, scratch was made by hand, billing lost its comment, vector was installed.
CREATE SCHEMA billing;
CREATE SCHEMA scratch;
CREATE TABLE billing.invoices (id integer PRIMARY KEY);
CREATE EXTENSION vector;
